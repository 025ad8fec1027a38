package dev.vmesos.api.http;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Media type constants and the two header decisions of the Mesos HTTP APIs: which encoding a request
 * body uses ({@code Content-Type}) and which one a streamed response uses ({@code Accept}).
 */
public final class MediaTypes {

    public static final String APPLICATION_JSON = "application/json";
    public static final String APPLICATION_PROTOBUF = "application/x-protobuf";
    public static final String TEXT_PLAIN_UTF8 = "text/plain; charset=utf-8";

    private MediaTypes() {
    }

    /**
     * The encoding of a request body. More lenient than the real master (which compares exact strings
     * and answers 415 to {@code application/json; charset=utf-8}): case-insensitive, parameters and
     * surrounding spaces ignored. Empty for a missing or unsupported type.
     */
    public static Optional<MediaType> contentType(String header) {
        if (header == null) {
            return Optional.empty();
        }
        int semicolon = header.indexOf(';');
        String type = (semicolon >= 0 ? header.substring(0, semicolon) : header).trim().toLowerCase(Locale.ROOT);
        for (MediaType candidate : MediaType.values()) {
            if (candidate.mime().equals(type)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * The response encoding for an {@code Accept} header, by Mesos's rule: JSON if acceptable, else
     * protobuf if acceptable, else empty (the caller answers 406). A missing or blank header accepts
     * everything, so it gives JSON. Ranges may be lists with {@code type/*} and {@code *}{@code /*}
     * wildcards and q-values; the most specific matching range decides, and {@code q=0} excludes.
     */
    public static Optional<MediaType> negotiate(String acceptHeader) {
        if (acceptHeader == null || acceptHeader.isBlank()) {
            return Optional.of(MediaType.JSON);
        }
        AcceptRange[] ranges = AcceptRange.parseAll(acceptHeader);
        for (MediaType candidate : MediaType.values()) {
            if (accepts(ranges, candidate.mime())) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static boolean accepts(AcceptRange[] ranges, String mime) {
        int slash = mime.indexOf('/');
        String type = mime.substring(0, slash);
        String subtype = mime.substring(slash + 1);
        int bestSpecificity = -1;
        double quality = 0;
        for (AcceptRange range : ranges) {
            int specificity = range.specificity(type, subtype);
            if (specificity > bestSpecificity) {
                bestSpecificity = specificity;
                quality = range.quality;
            } else if (specificity == bestSpecificity && specificity >= 0) {
                quality = Math.max(quality, range.quality);
            }
        }
        return bestSpecificity >= 0 && quality > 0;
    }

    /** One media range of an Accept header. */
    private static final class AcceptRange {

        final String type;
        final String subtype;
        final double quality;

        private AcceptRange(String type, String subtype, double quality) {
            this.type = type;
            this.subtype = subtype;
            this.quality = quality;
        }

        static AcceptRange[] parseAll(String header) {
            return Arrays.stream(header.split(","))
                    .map(AcceptRange::parse)
                    .filter(Objects::nonNull)
                    .toArray(AcceptRange[]::new);
        }

        /** Null for an entry that is not a media range; such entries are ignored. */
        static AcceptRange parse(String entry) {
            String[] parts = entry.split(";");
            String range = parts[0].trim().toLowerCase(Locale.ROOT);
            if (range.equals("*")) {
                range = "*/*";
            }
            int slash = range.indexOf('/');
            if (slash <= 0 || slash == range.length() - 1) {
                return null;
            }
            String type = range.substring(0, slash).trim();
            String subtype = range.substring(slash + 1).trim();
            if (type.equals("*") && !subtype.equals("*")) {
                return null;
            }
            double quality = 1.0;
            for (int i = 1; i < parts.length; i++) {
                String parameter = parts[i].trim();
                int equals = parameter.indexOf('=');
                if (equals > 0 && parameter.substring(0, equals).trim().equalsIgnoreCase("q")) {
                    try {
                        quality = Double.parseDouble(parameter.substring(equals + 1).trim());
                    } catch (NumberFormatException e) {
                        return null;
                    }
                    if (!(quality >= 0 && quality <= 1)) {
                        return null;
                    }
                }
            }
            return new AcceptRange(type, subtype, quality);
        }

        /** 2 for an exact match, 1 for {@code type/*}, 0 for {@code *}{@code /*}, -1 for no match. */
        int specificity(String wantedType, String wantedSubtype) {
            if (type.equals("*")) {
                return 0;
            }
            if (!type.equals(wantedType)) {
                return -1;
            }
            if (subtype.equals("*")) {
                return 1;
            }
            return subtype.equals(wantedSubtype) ? 2 : -1;
        }
    }
}
