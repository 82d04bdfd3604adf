package dev.bulwark.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The typed messages a server sends, named as in the PostgreSQL protocol docs ("Message Formats").
 * The hot ones (DataRow, CopyData) are normally forwarded as frames without being decoded.
 */
public sealed interface BackendMessage {
    byte AUTHENTICATION = 'R';
    byte BACKEND_KEY_DATA = 'K';
    byte BIND_COMPLETE = '2';
    byte CLOSE_COMPLETE = '3';
    byte COMMAND_COMPLETE = 'C';
    byte COPY_DATA = 'd';
    byte COPY_DONE = 'c';
    byte COPY_IN_RESPONSE = 'G';
    byte COPY_OUT_RESPONSE = 'H';
    byte COPY_BOTH_RESPONSE = 'W';
    byte DATA_ROW = 'D';
    byte EMPTY_QUERY_RESPONSE = 'I';
    byte ERROR_RESPONSE = 'E';
    byte FUNCTION_CALL_RESPONSE = 'V';
    byte NEGOTIATE_PROTOCOL_VERSION = 'v';
    byte NO_DATA = 'n';
    byte NOTICE_RESPONSE = 'N';
    byte NOTIFICATION_RESPONSE = 'A';
    byte PARAMETER_DESCRIPTION = 't';
    byte PARAMETER_STATUS = 'S';
    byte PARSE_COMPLETE = '1';
    byte PORTAL_SUSPENDED = 's';
    byte READY_FOR_QUERY = 'Z';
    byte ROW_DESCRIPTION = 'T';

    int AUTH_OK = 0;
    int AUTH_CLEARTEXT_PASSWORD = 3;
    int AUTH_MD5_PASSWORD = 5;
    int AUTH_SASL = 10;
    int AUTH_SASL_CONTINUE = 11;
    int AUTH_SASL_FINAL = 12;

    /** Authentication*: {@code 'R', Int32 len, Int32 code, data}. */
    record Authentication(int code, byte[] data) implements BackendMessage {
        public Authentication {
            requireNonNull(data, "data is null");
        }

        /** The mechanism names of AuthenticationSASL (a list of Strings ending with an empty one). */
        public List<String> saslMechanisms() {
            List<String> names = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < data.length; i++) {
                if (data[i] == 0) {
                    if (i == start) {
                        break;
                    }
                    names.add(new String(data, start, i - start, StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
            return names;
        }
    }

    /** BackendKeyData: {@code 'K', Int32 len, Int32 pid, Byte_n secret key} (4 bytes in 3.0). */
    record BackendKeyData(int processId, byte[] secretKey) implements BackendMessage {}

    record ParameterStatus(String name, String value) implements BackendMessage {}

    /** ReadyForQuery: status 'I' idle, 'T' in a transaction block, 'E' in a failed transaction block. */
    record ReadyForQuery(byte status) implements BackendMessage {}

    record CommandComplete(String tag) implements BackendMessage {}

    record EmptyQueryResponse() implements BackendMessage {}

    record ParseComplete() implements BackendMessage {}

    record BindComplete() implements BackendMessage {}

    record CloseComplete() implements BackendMessage {}

    record NoData() implements BackendMessage {}

    record PortalSuspended() implements BackendMessage {}

    record CopyDone() implements BackendMessage {}

    /** CopyInResponse, CopyOutResponse, CopyBothResponse: {@code Int8 format, Int16 n, Int16 format[n]}. */
    record CopyResponse(byte type, int format, List<Short> columnFormats) implements BackendMessage {
        public CopyResponse {
            columnFormats = List.copyOf(columnFormats);
        }
    }

    /** ErrorResponse and NoticeResponse: {@code (Byte1 code, String value)*, Byte1 0}. */
    record ErrorResponse(Map<Character, String> fields) implements BackendMessage {
        public ErrorResponse {
            fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }

        public String severity() {
            return fields.getOrDefault('S', "ERROR");
        }

        public String sqlState() {
            return fields.getOrDefault('C', "");
        }

        public String message() {
            return fields.getOrDefault('M', "");
        }

        public static ErrorResponse of(String severity, String sqlState, String message) {
            Map<Character, String> fields = new LinkedHashMap<>();
            fields.put('S', severity);
            fields.put('V', severity);
            fields.put('C', sqlState);
            fields.put('M', message);
            return new ErrorResponse(fields);
        }
    }

    record NoticeResponse(Map<Character, String> fields) implements BackendMessage {
        public NoticeResponse {
            fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }

        public static NoticeResponse of(String sqlState, String message) {
            Map<Character, String> fields = new LinkedHashMap<>();
            fields.put('S', "NOTICE");
            fields.put('V', "NOTICE");
            fields.put('C', sqlState);
            fields.put('M', message);
            return new NoticeResponse(fields);
        }
    }

    record NotificationResponse(int processId, String channel, String payload) implements BackendMessage {}

    record ParameterDescription(List<Integer> types) implements BackendMessage {
        public ParameterDescription {
            types = List.copyOf(types);
        }
    }

    /** One field of a RowDescription. */
    record Field(String name, int tableOid, int attributeNumber, int typeOid, int typeSize, int typeModifier, int format) {
        public Field {
            requireNonNull(name, "name is null");
        }

        public Field withFormat(int newFormat) {
            return new Field(name, tableOid, attributeNumber, typeOid, typeSize, typeModifier, newFormat);
        }
    }

    /** RowDescription: {@code Int16 n, (String name, Int32 table, Int16 attnum, Int32 type, Int16 size, Int32 typmod, Int16 format)[n]}. */
    record RowDescription(List<Field> fields) implements BackendMessage {
        public RowDescription {
            fields = List.copyOf(fields);
        }
    }

    /**
     * NegotiateProtocolVersion: {@code Int32 version, Int32 n, String unrecognized option[n]}. The docs call the
     * Int32 the "newest minor protocol version supported"; PostgreSQL and libpq use the full version number
     * (3.0 is 196608).
     */
    record NegotiateProtocolVersion(int version, List<String> unrecognizedOptions) implements BackendMessage {
        public NegotiateProtocolVersion {
            unrecognizedOptions = List.copyOf(unrecognizedOptions);
        }
    }

    /** DataRow: {@code Int16 n, (Int32 len, Byte_len value)[n]}, a NULL is -1 (kept as a null element). */
    record DataRow(List<byte[]> values) implements BackendMessage {
        public DataRow {
            values = Collections.unmodifiableList(new ArrayList<>(values));
        }
    }

    static BackendMessage decode(PgFrame frame) {
        ByteBuf body = frame.body();
        BackendMessage message = switch (frame.type()) {
            case AUTHENTICATION -> {
                Wire.requireReadable(body, 4);
                int code = body.readInt();
                yield new Authentication(code, Wire.readBytes(body, body.readableBytes()));
            }
            case BACKEND_KEY_DATA -> {
                Wire.requireReadable(body, 4);
                int pid = body.readInt();
                yield new BackendKeyData(pid, Wire.readBytes(body, body.readableBytes()));
            }
            case PARAMETER_STATUS -> new ParameterStatus(Wire.readCString(body), Wire.readCString(body));
            case READY_FOR_QUERY -> {
                Wire.requireReadable(body, 1);
                yield new ReadyForQuery(body.readByte());
            }
            case COMMAND_COMPLETE -> new CommandComplete(Wire.readCString(body));
            case EMPTY_QUERY_RESPONSE -> new EmptyQueryResponse();
            case PARSE_COMPLETE -> new ParseComplete();
            case BIND_COMPLETE -> new BindComplete();
            case CLOSE_COMPLETE -> new CloseComplete();
            case NO_DATA -> new NoData();
            case PORTAL_SUSPENDED -> new PortalSuspended();
            case COPY_DONE -> new CopyDone();
            case COPY_IN_RESPONSE, COPY_OUT_RESPONSE, COPY_BOTH_RESPONSE -> {
                Wire.requireReadable(body, 3);
                int format = body.readByte();
                int count = body.readUnsignedShort();
                Wire.requireReadable(body, count * 2);
                List<Short> formats = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    formats.add(body.readShort());
                }
                yield new CopyResponse(frame.type(), format, formats);
            }
            case ERROR_RESPONSE -> new ErrorResponse(readFields(body));
            case NOTICE_RESPONSE -> new NoticeResponse(readFields(body));
            case NOTIFICATION_RESPONSE -> {
                Wire.requireReadable(body, 4);
                int pid = body.readInt();
                yield new NotificationResponse(pid, Wire.readCString(body), Wire.readCString(body));
            }
            case PARAMETER_DESCRIPTION -> {
                Wire.requireReadable(body, 2);
                int count = body.readUnsignedShort();
                Wire.requireReadable(body, count * 4);
                List<Integer> types = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    types.add(body.readInt());
                }
                yield new ParameterDescription(types);
            }
            case ROW_DESCRIPTION -> {
                Wire.requireReadable(body, 2);
                int count = body.readUnsignedShort();
                List<Field> fields = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    String name = Wire.readCString(body);
                    Wire.requireReadable(body, 18);
                    fields.add(new Field(name, body.readInt(), body.readShort(), body.readInt(), body.readShort(),
                            body.readInt(), body.readShort()));
                }
                yield new RowDescription(fields);
            }
            case NEGOTIATE_PROTOCOL_VERSION -> {
                Wire.requireReadable(body, 8);
                int minor = body.readInt();
                int count = body.readInt();
                List<String> options = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    options.add(Wire.readCString(body));
                }
                yield new NegotiateProtocolVersion(minor, options);
            }
            case DATA_ROW -> new DataRow(Wire.readValues(body));
            default -> throw ProtocolException.violation("unexpected backend message type " + (frame.type() & 0xFF));
        };
        if (body.isReadable()) {
            throw ProtocolException.violation("invalid backend message format");
        }
        return message;
    }

    private static Map<Character, String> readFields(ByteBuf body) {
        Map<Character, String> fields = new LinkedHashMap<>();
        while (true) {
            Wire.requireReadable(body, 1);
            byte code = body.readByte();
            if (code == 0) {
                return fields;
            }
            fields.put((char) code, Wire.readCString(body));
        }
    }

    static ByteBuf encode(BackendMessage message, ByteBufAllocator alloc) {
        ByteBuf buf = alloc.buffer();
        int at;
        switch (message) {
            case Authentication a -> {
                at = Wire.begin(buf, AUTHENTICATION);
                buf.writeInt(a.code());
                buf.writeBytes(a.data());
            }
            case BackendKeyData k -> {
                at = Wire.begin(buf, BACKEND_KEY_DATA);
                buf.writeInt(k.processId());
                buf.writeBytes(k.secretKey());
            }
            case ParameterStatus p -> {
                at = Wire.begin(buf, PARAMETER_STATUS);
                Wire.writeCString(buf, p.name());
                Wire.writeCString(buf, p.value());
            }
            case ReadyForQuery r -> {
                at = Wire.begin(buf, READY_FOR_QUERY);
                buf.writeByte(r.status());
            }
            case CommandComplete c -> {
                at = Wire.begin(buf, COMMAND_COMPLETE);
                Wire.writeCString(buf, c.tag());
            }
            case EmptyQueryResponse e -> at = Wire.begin(buf, EMPTY_QUERY_RESPONSE);
            case ParseComplete p -> at = Wire.begin(buf, PARSE_COMPLETE);
            case BindComplete b -> at = Wire.begin(buf, BIND_COMPLETE);
            case CloseComplete c -> at = Wire.begin(buf, CLOSE_COMPLETE);
            case NoData n -> at = Wire.begin(buf, NO_DATA);
            case PortalSuspended p -> at = Wire.begin(buf, PORTAL_SUSPENDED);
            case CopyDone c -> at = Wire.begin(buf, COPY_DONE);
            case CopyResponse c -> {
                at = Wire.begin(buf, c.type());
                buf.writeByte(c.format());
                buf.writeShort(c.columnFormats().size());
                c.columnFormats().forEach(f -> buf.writeShort(f));
            }
            case ErrorResponse e -> {
                at = Wire.begin(buf, ERROR_RESPONSE);
                writeFields(buf, e.fields());
            }
            case NoticeResponse n -> {
                at = Wire.begin(buf, NOTICE_RESPONSE);
                writeFields(buf, n.fields());
            }
            case NotificationResponse n -> {
                at = Wire.begin(buf, NOTIFICATION_RESPONSE);
                buf.writeInt(n.processId());
                Wire.writeCString(buf, n.channel());
                Wire.writeCString(buf, n.payload());
            }
            case ParameterDescription p -> {
                at = Wire.begin(buf, PARAMETER_DESCRIPTION);
                buf.writeShort(p.types().size());
                p.types().forEach(buf::writeInt);
            }
            case RowDescription r -> {
                at = Wire.begin(buf, ROW_DESCRIPTION);
                buf.writeShort(r.fields().size());
                for (Field f : r.fields()) {
                    Wire.writeCString(buf, f.name());
                    buf.writeInt(f.tableOid());
                    buf.writeShort(f.attributeNumber());
                    buf.writeInt(f.typeOid());
                    buf.writeShort(f.typeSize());
                    buf.writeInt(f.typeModifier());
                    buf.writeShort(f.format());
                }
            }
            case NegotiateProtocolVersion n -> {
                at = Wire.begin(buf, NEGOTIATE_PROTOCOL_VERSION);
                buf.writeInt(n.version());
                buf.writeInt(n.unrecognizedOptions().size());
                n.unrecognizedOptions().forEach(o -> Wire.writeCString(buf, o));
            }
            case DataRow d -> {
                at = Wire.begin(buf, DATA_ROW);
                Wire.writeValues(buf, d.values());
            }
        }
        Wire.end(buf, at);
        return buf;
    }

    private static void writeFields(ByteBuf buf, Map<Character, String> fields) {
        fields.forEach((code, value) -> {
            buf.writeByte(code);
            Wire.writeCString(buf, value);
        });
        buf.writeByte(0);
    }
}
