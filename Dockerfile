# Production image: build once, run with both cores (scripts/serve.js forks one worker per core).
# Node 22: SvelteKit 3 and node:sqlite need it (the node@22 devDependency is pruned from the image).
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
ENV NODE_ENV=production PORT=3000 HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/build ./build
COPY --from=build /app/scripts/serve.js ./scripts/serve.js
# Runs as the unprivileged `node` user (uid 1000): the code is root's and read-only to it; only the
# database/secrets folder is its own. Mount trained models and the data folder:
# docker run -v $PWD/models:/app/models -v $PWD/data:/app/data ... (data/ must be writable by uid 1000)
RUN mkdir -p /app/models /app/data && chown node:node /app/data
USER node
VOLUME ["/app/models", "/app/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:3000/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "scripts/serve.js"]
