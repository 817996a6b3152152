# Build a static binary, then ship it alone on a non-root distroless base.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/tsunagu .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/tsunagu /tsunagu
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/tsunagu", "serve"]
