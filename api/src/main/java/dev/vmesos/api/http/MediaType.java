package dev.vmesos.api.http;

/** The two message encodings of the Mesos v1 HTTP APIs. */
public enum MediaType {
    JSON(MediaTypes.APPLICATION_JSON),
    PROTOBUF(MediaTypes.APPLICATION_PROTOBUF);

    private final String mime;

    MediaType(String mime) {
        this.mime = mime;
    }

    /** The bare MIME type, exactly as Mesos writes it in {@code Content-Type} (no parameters). */
    public String mime() {
        return mime;
    }
}
