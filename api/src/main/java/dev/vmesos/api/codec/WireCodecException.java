package dev.vmesos.api.codec;

/**
 * A request body that does not decode into the expected message, in either media type. At the HTTP
 * edge this is a 400 with {@link #getMessage()} as the plain-text body.
 */
public final class WireCodecException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public WireCodecException(String message, Throwable cause) {
        super(message, cause);
    }

    public WireCodecException(String message) {
        super(message);
    }
}
