package dev.vmesos.api.json;

/** JSON that cannot be turned into the requested protobuf message; the message says where and why. */
public final class MesosJsonException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public MesosJsonException(String message) {
        super(message);
    }

    public MesosJsonException(String message, Throwable cause) {
        super(message, cause);
    }
}
