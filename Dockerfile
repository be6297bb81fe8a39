# Multi-stage build: compile inferdb to one binary with `deno compile`, ship it on a slim base.
# The binary carries onnxruntime-web (WASM); onnxruntime-node's shared library can't be embedded,
# so the compiled server falls back to WASM on CPU automatically.
FROM node:20-bookworm AS build
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
RUN npm install
COPY . .
RUN npx deno task compile

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends mesa-vulkan-drivers ca-certificates \
  && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/inferdb /usr/local/bin/inferdb
RUN mkdir -p /data
EXPOSE 6379 8080
ENTRYPOINT ["inferdb", "--bind", "0.0.0.0", "--dir", "/data"]
