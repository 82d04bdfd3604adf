package dev.bulwark.protocol;

import java.util.LinkedHashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The untyped packets a client may send before the typed message stream starts. Each is
 * {@code Int32 length, Int32 code, ...}:
 * <pre>
 *   SSLRequest       Int32 8,  Int32 80877103
 *   GSSENCRequest    Int32 8,  Int32 80877104
 *   CancelRequest    Int32 16, Int32 80877102, Int32 process id, Int32 secret key
 *   StartupMessage   Int32 len, Int32 protocol (major &lt;&lt; 16 | minor), (String name, String value)*, Byte1 0
 * </pre>
 */
public sealed interface StartupPacket {
    int SSL_REQUEST_CODE = 80877103;
    int GSSENC_REQUEST_CODE = 80877104;
    int CANCEL_REQUEST_CODE = 80877102;
    int PROTOCOL_3_0 = 3 << 16;

    record SslRequest() implements StartupPacket {}

    record GssEncRequest() implements StartupPacket {}

    /** The secret key is 4 bytes in protocol 3.0 and up to 256 bytes from 3.2 on. */
    record CancelRequest(int processId, byte[] secretKey) implements StartupPacket {
        public CancelRequest {
            requireNonNull(secretKey, "secretKey is null");
        }
    }

    /** A StartupMessage; {@code parameters} keeps the client's order (user, database, options...). */
    record StartupMessage(int majorVersion, int minorVersion, Map<String, String> parameters) implements StartupPacket {
        public StartupMessage {
            parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(parameters, "parameters is null")));
        }

        public String parameter(String name) {
            return parameters.get(name);
        }
    }
}
