# The portal for running at scale (docker-compose.yml): compiled once, run with node.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# NODE_ENV of the compose file: anything but production builds the dev stand in (README, "Running at scale")
ARG APP_ENV=production
RUN if [ "$APP_ENV" = production ]; then npm run build; else npm run build:devstand; fi && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/views ./views
COPY --from=build /app/locales ./locales
COPY --from=build /app/public ./public
COPY --from=build /app/package.json ./package.json
USER node
EXPOSE 3000
# a smaller young generation and an old generation of 192 MB keep RSS under 250 MB a process at full
# load with the same throughput (V8 otherwise grows the heap with garbage before it collects; npm run
# bench). src/cluster.ts runs one web worker per core (WEB_CONCURRENCY), the jobs once, in the primary.
CMD ["node", "--max-semi-space-size=16", "--max-old-space-size=192", "dist/src/cluster.js"]
