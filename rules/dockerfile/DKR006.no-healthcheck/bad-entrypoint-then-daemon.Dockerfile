FROM alpine:3.20
RUN apk add --no-cache redis
COPY docker-entrypoint.sh /usr/local/bin/
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["redis-server", "--protected-mode", "yes"]
