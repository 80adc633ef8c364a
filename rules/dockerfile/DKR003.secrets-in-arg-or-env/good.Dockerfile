FROM alpine:3.20
ARG TOR_VERSION=0.4.8.13
ENV GPG_KEY=B35BF85BF19489D04E28C33C21194EBB165733EA
ENV PASSWORD_FILE=/run/secrets/proxy_password
RUN --mount=type=secret,id=proxy_password cat /run/secrets/proxy_password > /dev/null
