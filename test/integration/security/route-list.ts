import type { Express } from 'express';

/** One route the app answers: an upper-case method and the full path pattern (`/admin/users/:id`). */
export interface RouteEntry {
  method: string;
  path: string;
}

/** What router 2.3's `listRoutes()` gives for one layer (a route, or a mounted router to walk). */
interface ListedRoute {
  path: string | RegExp;
  methods: string[] | undefined;
  router: Listable | undefined;
}
interface Listable {
  listRoutes?: () => ListedRoute[];
}

function join(prefix: string, path: string): string {
  const joined = `${prefix}/${path}`.replace(/\/{2,}/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

/**
 * Every route of the app, read from its router at run time: mounted routers are walked recursively
 * with their mount paths (`router.use('/admin', sub)`). Plain middleware (static files, guards) is
 * not a route and is not listed. The HEAD that Express adds to each GET is left out.
 */
export function listRoutes(app: Express): RouteEntry[] {
  const out: RouteEntry[] = [];
  const walk = (router: Listable, prefix: string) => {
    if (typeof router.listRoutes !== 'function')
      throw new Error(`a router under ${prefix || '/'} cannot be listed`);
    for (const r of router.listRoutes()) {
      if (typeof r.path !== 'string') throw new Error(`a route under ${prefix || '/'} has a RegExp path`);
      const path = join(prefix, r.path);
      if (r.router) walk(r.router, path);
      else
        for (const m of r.methods ?? []) {
          if (m === 'HEAD' && r.methods?.includes('GET')) continue;
          out.push({ method: m, path });
        }
    }
  };
  walk(app.router as unknown as Listable, '');
  return out;
}
