package dev.bulwark.masking;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The options of a COPY TO that decide how its output is written.
 *
 * @param format text, csv or binary
 * @param delimiter the field delimiter (one single-byte character)
 * @param nullString how NULL is written (text: \N, csv: empty)
 * @param quote the CSV quote character
 * @param escape the CSV escape character (defaults to the quote)
 * @param header whether the first line holds column names
 * @param forceQuoteAll FORCE_QUOTE *
 * @param forceQuote FORCE_QUOTE columns
 * @param encoding the ENCODING option, empty when absent (the client encoding applies)
 */
public record CopyOptions(
        Format format,
        char delimiter,
        String nullString,
        char quote,
        char escape,
        boolean header,
        boolean forceQuoteAll,
        List<String> forceQuote,
        String encoding) {

    public enum Format { TEXT, CSV, BINARY }

    public static final CopyOptions TEXT_DEFAULTS = new CopyOptions(Format.TEXT, '\t', "\\N", '"', '"', false, false,
            List.of(), "");
    public static final CopyOptions CSV_DEFAULTS = new CopyOptions(Format.CSV, ',', "", '"', '"', false, false,
            List.of(), "");

    public CopyOptions {
        requireNonNull(format, "format is null");
        requireNonNull(nullString, "nullString is null");
        forceQuote = List.copyOf(requireNonNull(forceQuote, "forceQuote is null"));
        requireNonNull(encoding, "encoding is null");
        if (delimiter > 127 || quote > 127 || escape > 127) {
            throw new IllegalArgumentException("COPY delimiter, quote and escape must be single-byte characters");
        }
        if (delimiter == '\n' || delimiter == '\r') {
            throw new IllegalArgumentException("COPY delimiter cannot be newline or carriage return");
        }
        if (format == Format.CSV && (delimiter == quote)) {
            throw new IllegalArgumentException("COPY delimiter and quote must be different");
        }
    }
}
