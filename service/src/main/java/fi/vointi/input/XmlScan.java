package fi.vointi.input;

import io.micronaut.core.annotation.Nullable;

import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.StringReader;

/**
 * The {@link InputLimits} for an XML body (FHIR XML), checked with the JDK's streaming XML reader before HAPI parses
 * it: well-formed, no document type declaration (so no entities to expand and nothing fetched), at most
 * {@value InputLimits#MAX_DEPTH} levels of elements and {@value InputLimits#MAX_ENTRIES} child elements or attributes
 * in one element, names of at most {@value InputLimits#MAX_NAME_LENGTH} characters, attribute values and text of at
 * most {@value InputLimits#MAX_STRING_LENGTH} characters and free text ({@link UntrustedText}; XML 1.1 would allow
 * control characters as character references). The same numbers as for JSON: a FHIR resource in XML is never nested
 * deeper than in JSON, where every element is an object and every repetition an array as well. Numbers are checked
 * once the resource is parsed, where their type is known (fi.vointi.fhir.FhirJson).
 */
public final class XmlScan {
    private static final XMLInputFactory FACTORY = factory();

    private XmlScan() {
    }

    private static XMLInputFactory factory() {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_COALESCING, true);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        return factory;
    }

    /** The first problem of the document, or null when it keeps every limit. */
    @Nullable
    public static JsonScan.Problem check(String xml) {
        XMLStreamReader reader = null;
        try {
            reader = FACTORY.createXMLStreamReader(new StringReader(xml));
            int[] children = new int[InputLimits.MAX_DEPTH + 2];
            int depth = 0;
            boolean root = false;
            while (reader.hasNext()) {
                int event = reader.next();
                switch (event) {
                    case XMLStreamConstants.DTD, XMLStreamConstants.ENTITY_REFERENCE, XMLStreamConstants.ENTITY_DECLARATION ->
                            {
                                return at(reader, "The XML body has a document type declaration or an entity reference;"
                                        + " FHIR XML has neither");
                            }
                    case XMLStreamConstants.START_ELEMENT -> {
                        if (depth == 0 && root) {
                            return at(reader, "The XML body has more than one root element");
                        }
                        root = true;
                        if (++children[depth] > InputLimits.MAX_ENTRIES) {
                            return at(reader, "An element has more than " + InputLimits.MAX_ENTRIES + " child elements");
                        }
                        depth++;
                        if (depth > InputLimits.MAX_DEPTH) {
                            return at(reader, "Elements are nested more than " + InputLimits.MAX_DEPTH + " levels deep");
                        }
                        children[depth] = 0;
                        String problem = elementProblem(reader);
                        if (problem != null) {
                            return at(reader, problem);
                        }
                    }
                    case XMLStreamConstants.END_ELEMENT -> depth--;
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                        String problem = textProblem("Text", reader.getText());
                        if (problem != null) {
                            return at(reader, problem);
                        }
                    }
                    default -> {
                        // comments, processing instructions, the document's start and end: nothing to check
                    }
                }
            }
            return root ? null : new JsonScan.Problem("The XML body has no root element", 0, 0);
        } catch (XMLStreamException e) {
            Location location = e.getLocation();
            String message = "The body is not well-formed XML";
            return location == null ? new JsonScan.Problem(message, 0, 0)
                    : new JsonScan.Problem(message, location.getLineNumber(), location.getColumnNumber());
        } finally {
            if (reader != null) {
                try {
                    reader.close();
                } catch (XMLStreamException ignored) {
                    // nothing held open: the source is a string
                }
            }
        }
    }

    @Nullable
    private static String elementProblem(XMLStreamReader reader) {
        if (reader.getLocalName().length() > InputLimits.MAX_NAME_LENGTH) {
            return "An element name is longer than " + InputLimits.MAX_NAME_LENGTH + " characters";
        }
        int attributes = reader.getAttributeCount();
        if (attributes > InputLimits.MAX_ENTRIES) {
            return "An element has more than " + InputLimits.MAX_ENTRIES + " attributes";
        }
        for (int i = 0; i < attributes; i++) {
            if (reader.getAttributeLocalName(i).length() > InputLimits.MAX_NAME_LENGTH) {
                return "An attribute name is longer than " + InputLimits.MAX_NAME_LENGTH + " characters";
            }
            String problem = textProblem("The value of attribute '" + reader.getAttributeLocalName(i) + "'",
                    reader.getAttributeValue(i));
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    @Nullable
    private static String textProblem(String what, String text) {
        if (text.length() > InputLimits.MAX_STRING_LENGTH) {
            return what + " is longer than " + InputLimits.MAX_STRING_LENGTH + " characters";
        }
        String problem = UntrustedText.freeTextProblem(text);
        return problem == null ? null : what + " " + problem;
    }

    private static JsonScan.Problem at(XMLStreamReader reader, String message) {
        Location location = reader.getLocation();
        return location == null ? new JsonScan.Problem(message, 0, 0)
                : new JsonScan.Problem(message, location.getLineNumber(), location.getColumnNumber());
    }
}
