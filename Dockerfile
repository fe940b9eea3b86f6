# agentscope: serves the project mounted at /app (the quickstart by default).
#   docker build -t agentscope .
#   docker run -p 8080:8080 agentscope
#   docker run -p 8080:8080 -v "$PWD/my-project:/app:ro" agentscope
FROM node:20-slim AS build
WORKDIR /opt/agentscope
COPY package.json package-lock.json tsconfig.json ./
COPY src ./src
COPY bin ./bin
COPY workers ./workers
# `npm ci` compiles dist/ through the prepare script, then the dev tools go.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /opt/agentscope
COPY --from=build /opt/agentscope/package.json ./
COPY --from=build /opt/agentscope/node_modules ./node_modules
COPY --from=build /opt/agentscope/dist ./dist
RUN ln -s /opt/agentscope/dist/bin/agentscope.js /usr/local/bin/agentscope \
 && mkdir -p /app /var/lib/agentscope/sessions && chown node:node /var/lib/agentscope/sessions
COPY examples/quickstart /app
USER node
EXPOSE 8080
# SIGTERM drains in-flight streams (server.drain_timeout) before exiting: give it the time.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:8080/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["agentscope", "run", "/app", "--host", "0.0.0.0", "--port", "8080"]
