// The SDK's ApiClient class: its package has no `exports` map, so this deep path is public.
declare module '@mailchimp/mailchimp_marketing/src/ApiClient.js' {
  class ApiClient {
    basePath: string;
    timeout: number;
    defaultHeaders: Record<string, string>;
    config: { apiKey?: string; accessToken?: string; server?: string };
    setConfig(config: { apiKey?: string; accessToken?: string; server?: string }): void;
    lists: unknown;
    batches: unknown;
    ping: unknown;
  }
  export default ApiClient;
}
