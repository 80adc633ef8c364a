FROM alpine:3.20
RUN apk add --no-cache nginx~=1.26
EXPOSE 8080
CMD ["nginx", "-g", "daemon off;"]
