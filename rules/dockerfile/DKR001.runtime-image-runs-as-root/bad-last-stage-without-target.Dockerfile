FROM alpine:3.20 AS build
RUN echo build

FROM alpine:3.20 AS runtime
USER 10001

FROM build AS debug
