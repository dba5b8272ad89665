import { toNodeListener, type WebhookHandler } from '@optintrail/core';
import { createServer, type Server } from 'node:http';

/** The receivers this server answers for, by path. Read on each request, so a route can be added later. */
export interface ReceiverRoutes {
  /** `POST /hooks/hubspot` */
  hubspot?: WebhookHandler;
  /** `POST /hooks/mailchimp` (and Mailchimp's URL check, `GET`) */
  mailchimp?: WebhookHandler;
}

/**
 * One Node `http` server for every CRM's webhooks: each path goes to its framework-agnostic
 * handler through core's `toNodeListener`. `origin` is the public origin the CRMs call (HubSpot signs
 * the full URL), e.g. `https://hooks.example.com`; by default the Host header is trusted.
 */
export function createReceiverServer(routes: ReceiverRoutes, options: { origin?: string } = {}): Server {
  const listeners = new Map<WebhookHandler, ReturnType<typeof toNodeListener>>();
  return createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]!.replace(/\/+$/, '');
    const name = /^\/hooks\/(hubspot|mailchimp)$/.exec(path)?.[1] as keyof ReceiverRoutes | undefined;
    const handler = name ? routes[name] : undefined;
    if (!handler) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not a webhook path: use /hooks/hubspot or /hooks/mailchimp\n');
      return;
    }
    let listener = listeners.get(handler);
    if (!listener) {
      listener = toNodeListener(handler, options.origin ? { origin: options.origin } : {});
      listeners.set(handler, listener);
    }
    listener(request, response);
  });
}
