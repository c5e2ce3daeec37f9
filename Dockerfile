# syntax=docker/dockerfile:1
# Images of the Consortia workspaces, one target each: chaincode, dapp, datasync, explorer,
# app-api and network. Build from the repository root, e.g.
#   docker build --target dapp -t consortia/dapp:0.1.0 .
# Each image's /app is laid out by network/src/k8s/images/service-app.ts, the module
# `consortia k8s-node images` builds the same images with: the build output of the workspace and of
# the workspaces it loads at run time, with their production dependencies only.

ARG NODE_IMAGE=node:20-slim

# Every workspace's package.json with the lockfile, so npm ci installs from these alone and a
# change to the sources does not install again.
FROM scratch AS manifests
COPY package.json package-lock.json .npmrc /
COPY common/package.json /common/
COPY network/package.json /network/
COPY network/dev/package.json /network/dev/
COPY chaincode/package.json /chaincode/
COPY dapp/package.json /dapp/
COPY datasync/package.json /datasync/
COPY explorer/package.json /explorer/
COPY app-api/package.json /app-api/

# Compile every workspace with the exact locked toolchain (and the explorer's web front end into
# explorer/dist/web, which its backend serves), then lay out each image's /app in /images/<target>.
# The images share this stage: building them all builds and installs once.
FROM ${NODE_IMAGE} AS build
WORKDIR /repo
COPY --from=manifests / ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx tsc -b && npm run build:web -w @consortia/explorer
RUN node network/dist/k8s/images/service-app-main.js /images

# The base image's unprivileged "node" user (uid 1000), matching the charts' runAsUser.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
USER 1000:1000

# The HTTP services, on the port the charts give them.
FROM runtime AS http-service
ENV PORT=8080
EXPOSE 8080
CMD ["node", "dist/index.js"]

FROM http-service AS dapp
COPY --from=build /images/dapp /app
WORKDIR /app/dapp

FROM http-service AS datasync
COPY --from=build /images/datasync /app
WORKDIR /app/datasync

FROM http-service AS explorer
COPY --from=build /images/explorer /app
WORKDIR /app/explorer

FROM http-service AS app-api
COPY --from=build /images/app-api /app
WORKDIR /app/app-api

# The chaincode, served over gRPC: fabric-shim in server mode, the peer dials this process
# (chaincode-as-a-service).
FROM runtime AS chaincode
ENV CHAINCODE_SERVER_ADDRESS=0.0.0.0:9999
COPY --from=build /images/chaincode /app
WORKDIR /app/chaincode
EXPOSE 9999
CMD ["sh", "-c", "exec /app/node_modules/.bin/fabric-chaincode-node server --chaincode-address=\"$CHAINCODE_SERVER_ADDRESS\" --chaincode-id=\"$CHAINCODE_ID\""]

# The network workspace as the charts run it: the Consortia exporter (certificate expiry, Kafka
# partitions, readiness) of the charts' monitoring.
FROM runtime AS network
COPY --from=build /images/network /app
WORKDIR /app/network
EXPOSE 9100
CMD ["node", "dist/monitoring/exporter/main.js"]
