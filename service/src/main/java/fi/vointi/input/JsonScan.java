package fi.vointi.input;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.micronaut.core.annotation.Nullable;

import java.io.IOException;
import java.nio.CharBuffer;

/**
 * A fast, bounded pre-scan of a JSON document with Jackson's streaming tokenizer, before any parser builds objects
 * from it: well-formed JSON, one value and nothing after it, no key twice in one object, and the {@link InputLimits}
 * (number form, string and key length, entries per array or object, depth); every string and key must be acceptable
 * free text ({@link UntrustedText}). Linear in the document's length, constant memory apart from the key sets of the
 * open objects; nothing is converted (a number's text is inspected, never turned into a BigDecimal).
 */
public final class JsonScan {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(InputLimits.MAX_DEPTH)
                    .maxNumberLength(InputLimits.MAX_NUMBER_TOKEN)
                    .maxStringLength(InputLimits.MAX_STRING_LENGTH)
                    .maxNameLength(InputLimits.MAX_NAME_LENGTH)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    private JsonScan() {
    }

    /** Why the document is refused, and where. */
    public record Problem(String message, long line, long column) {
        /** The message with its place, for an OperationOutcome. */
        public String describe() {
            return line > 0 ? message + " (line " + line + ", column " + column + ")" : message;
        }
    }

    /** The first problem of a UTF-8 (or UTF-16/32, detected) document, or null when it keeps every limit. */
    @Nullable
    public static Problem check(byte[] json) {
        try (JsonParser parser = FACTORY.createParser(json)) {
            return scan(parser);
        } catch (IOException e) {
            return problem(e);
        }
    }

    /** The first problem of a document already decoded to text, or null. */
    @Nullable
    public static Problem check(String json) {
        try (JsonParser parser = FACTORY.createParser(json)) {
            return scan(parser);
        } catch (IOException e) {
            return problem(e);
        }
    }

    private static Problem scan(JsonParser parser) throws IOException {
        // entries of each open array/object and whether it is an array, innermost at depth - 1 (depth 0: the root)
        int[] entries = new int[InputLimits.MAX_DEPTH + 2];
        boolean[] array = new boolean[InputLimits.MAX_DEPTH + 2];
        int depth = 0;
        JsonToken token = parser.nextToken();
        if (token == null) {
            return new Problem("The body is empty; a JSON document was expected", 0, 0);
        }
        do {
            boolean entry = depth > 0 && token != JsonToken.END_OBJECT && token != JsonToken.END_ARRAY
                    && (array[depth - 1] || token == JsonToken.FIELD_NAME);
            if (entry && ++entries[depth - 1] > InputLimits.MAX_ENTRIES) {
                return at(parser, (array[depth - 1] ? "An array has" : "An object has") + " more than "
                        + InputLimits.MAX_ENTRIES + " entries");
            }
            switch (token) {
                case START_OBJECT, START_ARRAY -> {
                    array[depth] = token == JsonToken.START_ARRAY;
                    entries[depth++] = 0;
                }
                case END_OBJECT, END_ARRAY -> depth--;
                case FIELD_NAME -> {
                    String problem = UntrustedText.freeTextProblem(parser.currentName());
                    if (problem != null) {
                        return at(parser, "A key " + problem);
                    }
                }
                case VALUE_STRING -> {
                    // the tokenizer's own buffer, valid until the next token: no String per value
                    String problem = UntrustedText.freeTextProblem(text(parser));
                    if (problem != null) {
                        return at(parser, "A string " + problem);
                    }
                }
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                    String problem = InputLimits.numberProblem(text(parser));
                    if (problem != null) {
                        return at(parser, "The body has " + problem);
                    }
                }
                default -> {
                    // true, false, null
                }
            }
            token = depth == 0 ? null : parser.nextToken();
        } while (token != null);
        if (depth != 0) {
            return at(parser, "The JSON document ends before it is complete");
        }
        if (parser.nextToken() != null) {
            return at(parser, "The body has content after its JSON value");
        }
        return null;
    }

    private static CharSequence text(JsonParser parser) throws IOException {
        return CharBuffer.wrap(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
    }

    private static Problem at(JsonParser parser, String message) {
        JsonLocation location = parser.currentTokenLocation();
        return new Problem(message, location.getLineNr(), location.getColumnNr());
    }

    private static Problem problem(IOException e) {
        String message;
        JsonLocation location = null;
        if (e instanceof StreamConstraintsException limit) {
            message = "The body exceeds a JSON limit: " + limitText(limit.getOriginalMessage());
            location = limit.getLocation();
        } else if (e instanceof JsonProcessingException json) {
            String original = json.getOriginalMessage();
            message = original != null && original.startsWith("Duplicate field")
                    ? "The body has a key twice in one object: " + original.substring("Duplicate field ".length())
                    : "The body is not valid JSON: " + original;
            location = json.getLocation();
        } else {
            message = "The body is not readable JSON";
        }
        message = message.length() > 300 ? message.substring(0, 300) + "…" : message;
        return location == null ? new Problem(message, 0, 0) : new Problem(message, location.getLineNr(), location.getColumnNr());
    }

    /** Jackson's constraint messages name its own configuration methods; the client needs the limit only. */
    private static String limitText(@Nullable String message) {
        if (message == null) {
            return "too large";
        }
        int from = message.indexOf(", from `");
        String text = from < 0 ? message : message.substring(0, from) + ")";
        return text.replace("Document nesting depth", "nesting depth")
                .replace("String value length", "string length")
                .replace("Name length", "key length")
                .replace("Number value length", "number length");
    }
}
