FROM debian:12.7-slim
RUN apt-get update && apt-get install -y --no-install-recommends tor nginx-light
CMD ["tor", "-f", "/etc/tor/torrc"]
