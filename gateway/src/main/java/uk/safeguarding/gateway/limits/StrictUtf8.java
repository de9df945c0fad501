package uk.safeguarding.gateway.limits;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import uk.safeguarding.gateway.problem.ApiException;

/**
 * Decodes a request body as UTF-8 and refuses malformed bytes. A lenient decoder would turn them
 * into U+FFFD and store a referral that no longer says what the sender wrote.
 */
public final class StrictUtf8 {

    private StrictUtf8() {
    }

    public static String decode(byte[] body, String field) {
        if (body == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw ApiException.badRequest(field, "INVALID_UTF8", "The body is not valid UTF-8.");
        }
    }
}
