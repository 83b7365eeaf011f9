# syntax=docker/dockerfile:1
# FoyerGPT backend image: the API by default; the worker is the same image with
#   command: node dist/apps/worker/src/main.js
# Configuration comes from the environment (see .env.example).

# ---- build: full dependencies, compile TypeScript to dist/ ------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# ---- runtime: production dependencies and compiled output only -------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8061 \
    DATA_DIR=/app/data \
    UPLOAD_DIR=/app/uploads
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# Writable state lives only in these two directories, owned by the unprivileged
# user, ready to be mounted as volumes (a named volume takes this ownership).
RUN mkdir -p /app/data /app/uploads && chown node:node /app/data /app/uploads
USER node
EXPOSE 8061
CMD ["node", "dist/apps/api/src/main.js"]
