FROM alpine:3.20
ARG PROXY_PASSWORD
RUN htpasswd -bc /etc/squid/passwd proxy "$PROXY_PASSWORD"
ENV API_TOKEN=abc123
