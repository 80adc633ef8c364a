FROM debian:12 AS build
RUN apt-get update && apt-get install -y build-essential
FROM debian:12
COPY "id_ed25519" /root/.ssh/
COPY --from=build "/" "/"
