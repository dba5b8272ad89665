import type { EmulatorHandler, EmulatorRequest, EmulatorResponse } from './emulator-server';

type RouteHandler = (request: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handle: RouteHandler;
}

/**
 * A minimal method + path router. Patterns use `:name` for one segment
 * (`/crm/v3/objects/:objectType/:id`); captured values are URL-decoded into `request.params`.
 */
export class Router {
  readonly #routes: Route[] = [];

  constructor(private readonly notFound: RouteHandler) {}

  on(method: string, path: string, handle: RouteHandler): this {
    const names: string[] = [];
    const source = path
      .split('/')
      .map((segment) => {
        if (segment.startsWith(':')) {
          names.push(segment.slice(1));
          return '([^/]+)';
        }
        return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    this.#routes.push({ method: method.toUpperCase(), pattern: new RegExp(`^${source}/?$`), names, handle });
    return this;
  }

  get = (path: string, handle: RouteHandler) => this.on('GET', path, handle);
  post = (path: string, handle: RouteHandler) => this.on('POST', path, handle);
  put = (path: string, handle: RouteHandler) => this.on('PUT', path, handle);
  patch = (path: string, handle: RouteHandler) => this.on('PATCH', path, handle);
  delete = (path: string, handle: RouteHandler) => this.on('DELETE', path, handle);

  /** The handler to give `startEmulatorServer`. */
  readonly handle: EmulatorHandler = (request) => {
    for (const route of this.#routes) {
      if (route.method !== request.method) continue;
      const match = route.pattern.exec(request.path);
      if (!match) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, index) => {
        params[name] = decodeURIComponent(match[index + 1] ?? '');
      });
      request.params = params;
      return route.handle(request);
    }
    return this.notFound(request);
  };
}
