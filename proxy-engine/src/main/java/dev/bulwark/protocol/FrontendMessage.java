package dev.bulwark.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The typed messages a client sends after startup, named as in the PostgreSQL protocol docs
 * ("Message Formats"). Only what the engine reads or writes is decoded; everything else is
 * forwarded as its original {@link PgFrame}.
 */
public sealed interface FrontendMessage {
    byte BIND = 'B';
    byte CLOSE = 'C';
    byte COPY_DATA = 'd';
    byte COPY_DONE = 'c';
    byte COPY_FAIL = 'f';
    byte DESCRIBE = 'D';
    byte EXECUTE = 'E';
    byte FLUSH = 'H';
    byte FUNCTION_CALL = 'F';
    byte PARSE = 'P';
    /** PasswordMessage, SASLInitialResponse, SASLResponse and GSSResponse share this type. */
    byte PASSWORD = 'p';
    byte QUERY = 'Q';
    byte SYNC = 'S';
    byte TERMINATE = 'X';

    /** Query: {@code 'Q', Int32 len, String query}. */
    record Query(String sql) implements FrontendMessage {
        public Query {
            requireNonNull(sql, "sql is null");
        }
    }

    /** Parse: {@code 'P', Int32 len, String name, String query, Int16 n, Int32 type oid[n]}. */
    record Parse(String statement, String sql, List<Integer> parameterTypes) implements FrontendMessage {
        public Parse {
            requireNonNull(statement, "statement is null");
            requireNonNull(sql, "sql is null");
            parameterTypes = List.copyOf(parameterTypes);
        }
    }

    /**
     * Bind: {@code 'B', Int32 len, String portal, String statement, Int16 n, Int16 format[n],
     * Int16 m, (Int32 len, Byte_len value)[m], Int16 k, Int16 result format[k]}. A NULL value is
     * a length of -1 (kept as a null element).
     */
    record Bind(String portal, String statement, List<Short> parameterFormats, List<byte[]> values,
                List<Short> resultFormats) implements FrontendMessage {
        public Bind {
            requireNonNull(portal, "portal is null");
            requireNonNull(statement, "statement is null");
            parameterFormats = List.copyOf(parameterFormats);
            values = Collections.unmodifiableList(new ArrayList<>(values));
            resultFormats = List.copyOf(resultFormats);
        }

        /** The format of result column {@code index} as PostgreSQL applies the codes: none, one for all, or one each. */
        public short resultFormat(int index) {
            if (resultFormats.isEmpty()) {
                return 0;
            }
            if (resultFormats.size() == 1) {
                return resultFormats.get(0);
            }
            return index < resultFormats.size() ? resultFormats.get(index) : 0;
        }

        public short parameterFormat(int index) {
            if (parameterFormats.isEmpty()) {
                return 0;
            }
            if (parameterFormats.size() == 1) {
                return parameterFormats.get(0);
            }
            return index < parameterFormats.size() ? parameterFormats.get(index) : 0;
        }
    }

    /** Describe: {@code 'D', Int32 len, Byte1 'S'|'P', String name}. */
    record Describe(byte kind, String name) implements FrontendMessage {}

    /** Close: {@code 'C', Int32 len, Byte1 'S'|'P', String name}. */
    record Close(byte kind, String name) implements FrontendMessage {}

    /** Execute: {@code 'E', Int32 len, String portal, Int32 max rows}. */
    record Execute(String portal, int maxRows) implements FrontendMessage {}

    record Sync() implements FrontendMessage {}

    record Flush() implements FrontendMessage {}

    record Terminate() implements FrontendMessage {}

    record CopyDone() implements FrontendMessage {}

    /** CopyFail: {@code 'f', Int32 len, String message}. */
    record CopyFail(String message) implements FrontendMessage {}

    /** PasswordMessage: {@code 'p', Int32 len, String password}. Holds a secret: never log it. */
    record PasswordMessage(String password) implements FrontendMessage {
        @Override
        public String toString() {
            return "PasswordMessage[redacted]";
        }
    }

    /** Decodes the body of a frame whose type the caller has checked; other types have no typed form. */
    static FrontendMessage decode(PgFrame frame) {
        ByteBuf body = frame.body();
        FrontendMessage message = switch (frame.type()) {
            case QUERY -> new Query(Wire.readText(body));
            case PARSE -> {
                String name = Wire.readText(body);
                String sql = Wire.readText(body);
                Wire.requireReadable(body, 2);
                int count = body.readUnsignedShort();
                Wire.requireReadable(body, count * 4);
                List<Integer> types = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    types.add(body.readInt());
                }
                yield new Parse(name, sql, types);
            }
            case BIND -> decodeBind(body);
            case DESCRIBE -> {
                Wire.requireReadable(body, 1);
                byte kind = body.readByte();
                yield new Describe(requireKind(kind), Wire.readCString(body));
            }
            case CLOSE -> {
                Wire.requireReadable(body, 1);
                byte kind = body.readByte();
                yield new Close(requireKind(kind), Wire.readCString(body));
            }
            case EXECUTE -> {
                String portal = Wire.readCString(body);
                Wire.requireReadable(body, 4);
                yield new Execute(portal, body.readInt());
            }
            case SYNC -> new Sync();
            case FLUSH -> new Flush();
            case TERMINATE -> new Terminate();
            case COPY_DONE -> new CopyDone();
            case COPY_FAIL -> new CopyFail(Wire.readCString(body));
            case PASSWORD -> new PasswordMessage(Wire.readCString(body));
            default -> throw ProtocolException.violation("invalid frontend message type " + (frame.type() & 0xFF));
        };
        if (body.isReadable()) {
            throw ProtocolException.violation("invalid message format");
        }
        return message;
    }

    private static byte requireKind(byte kind) {
        if (kind != 'S' && kind != 'P') {
            throw ProtocolException.violation("invalid DESCRIBE/CLOSE message subtype " + kind);
        }
        return kind;
    }

    private static Bind decodeBind(ByteBuf body) {
        String portal = Wire.readCString(body);
        String statement = Wire.readCString(body);
        Wire.requireReadable(body, 2);
        int formatCount = body.readUnsignedShort();
        Wire.requireReadable(body, formatCount * 2);
        List<Short> formats = new ArrayList<>(formatCount);
        for (int i = 0; i < formatCount; i++) {
            formats.add(body.readShort());
        }
        List<byte[]> values = Wire.readValues(body);
        Wire.requireReadable(body, 2);
        int resultCount = body.readUnsignedShort();
        Wire.requireReadable(body, resultCount * 2);
        List<Short> results = new ArrayList<>(resultCount);
        for (int i = 0; i < resultCount; i++) {
            results.add(body.readShort());
        }
        return new Bind(portal, statement, formats, values, results);
    }

    static ByteBuf encode(FrontendMessage message, ByteBufAllocator alloc) {
        ByteBuf buf = alloc.buffer();
        int at;
        switch (message) {
            case Query q -> {
                at = Wire.begin(buf, QUERY);
                Wire.writeCString(buf, q.sql());
            }
            case Parse p -> {
                at = Wire.begin(buf, PARSE);
                Wire.writeCString(buf, p.statement());
                Wire.writeCString(buf, p.sql());
                buf.writeShort(p.parameterTypes().size());
                p.parameterTypes().forEach(buf::writeInt);
            }
            case Bind b -> {
                at = Wire.begin(buf, BIND);
                Wire.writeCString(buf, b.portal());
                Wire.writeCString(buf, b.statement());
                buf.writeShort(b.parameterFormats().size());
                b.parameterFormats().forEach(f -> buf.writeShort(f));
                Wire.writeValues(buf, b.values());
                buf.writeShort(b.resultFormats().size());
                b.resultFormats().forEach(f -> buf.writeShort(f));
            }
            case Describe d -> {
                at = Wire.begin(buf, DESCRIBE);
                buf.writeByte(d.kind());
                Wire.writeCString(buf, d.name());
            }
            case Close c -> {
                at = Wire.begin(buf, CLOSE);
                buf.writeByte(c.kind());
                Wire.writeCString(buf, c.name());
            }
            case Execute e -> {
                at = Wire.begin(buf, EXECUTE);
                Wire.writeCString(buf, e.portal());
                buf.writeInt(e.maxRows());
            }
            case Sync s -> at = Wire.begin(buf, SYNC);
            case Flush f -> at = Wire.begin(buf, FLUSH);
            case Terminate t -> at = Wire.begin(buf, TERMINATE);
            case CopyDone c -> at = Wire.begin(buf, COPY_DONE);
            case CopyFail c -> {
                at = Wire.begin(buf, COPY_FAIL);
                Wire.writeCString(buf, c.message());
            }
            case PasswordMessage p -> {
                at = Wire.begin(buf, PASSWORD);
                Wire.writeCString(buf, p.password());
            }
        }
        Wire.end(buf, at);
        return buf;
    }
}
