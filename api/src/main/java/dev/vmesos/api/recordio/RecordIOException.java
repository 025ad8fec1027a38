package dev.vmesos.api.recordio;

/** A RecordIO stream is malformed (bad length prefix, record too large) or the decoder already failed. */
public final class RecordIOException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RecordIOException(String message) {
        super(message);
    }
}
