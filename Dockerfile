# syntax=docker/dockerfile:1
# KDA Gateway image: TypeScript compiled at build time, only production dependencies at run time.
# GraphiQL's assets come from node_modules (graphiql, react, react-dom, graphql-ws are production
# dependencies), so the running container needs no internet access.

FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the only wanted install script is the `node` devDependency's, which would
# download a second Node 24 although this image already has one.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
# Called through the image's node rather than npx: node_modules/.bin/node is the (uninstalled)
# `node` devDependency's shim.
RUN node node_modules/typescript/bin/tsc -p tsconfig.build.json

FROM node:24-slim AS runtime
# HOST=0.0.0.0: `docker run -p 4000:4000` reaches the gateway only on the container's own interface.
# The embedded default then refuses its well-known token and prints a random one at start.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    KDA_DATA_DIR=/app/.data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 4000
# slim images have no curl; Node 24 has fetch.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Run node directly (not npm) so SIGTERM reaches the process and it stops cleanly.
CMD ["node", "dist/src/main.js"]
