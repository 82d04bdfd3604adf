package dev.bulwark.masking;

import dev.bulwark.auth.Identity;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.nio.charset.StandardCharsets.UTF_8;

/** Shared fixtures for masking tests. */
final class TestData {

    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(UTF_8);
    static final Identity ALICE = identity("alice", "analysts");
    static final Identity DBA = identity("dora", "dba");

    private TestData() {
    }

    static Identity identity(String subject, String... groups) {
        return new Identity(subject, Set.of(groups), "https://issuer.test", "", Instant.parse("2099-01-01T00:00:00Z"),
                Map.of());
    }

    /** A DataRow message with these values (null for SQL NULL). */
    static ByteBuf dataRow(byte[]... values) {
        int size = 7;
        for (byte[] value : values) {
            size += 4 + (value == null ? 0 : value.length);
        }
        ByteBuf row = Unpooled.buffer(size);
        row.writeByte('D').writeInt(size - 1).writeShort(values.length);
        for (byte[] value : values) {
            if (value == null) {
                row.writeInt(-1);
            } else {
                row.writeInt(value.length).writeBytes(value);
            }
        }
        return row;
    }

    static ByteBuf textRow(String... values) {
        byte[][] bytes = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = values[i] == null ? null : values[i].getBytes(UTF_8);
        }
        return dataRow(bytes);
    }

    static List<String> textValues(ByteBuf row) {
        return RawPgClient.values(row).stream().map(v -> v == null ? null : new String(v, UTF_8)).toList();
    }

    static ResultColumn text(String name, int tableOid, int attnum) {
        return new ResultColumn(name, tableOid, attnum, PgType.OID_TEXT, -1, -1, ResultColumn.TEXT);
    }

    static ResultColumn column(String name, int tableOid, int attnum, int typeOid, int typmod, int format) {
        return new ResultColumn(name, tableOid, attnum, typeOid, -1, typmod, format);
    }

    /** A catalog table whose columns are their own sources. */
    static CatalogTable table(int oid, String schema, String name, String... columns) {
        List<CatalogColumn> list = new java.util.ArrayList<>();
        for (int i = 0; i < columns.length; i++) {
            list.add(new CatalogColumn(i + 1, columns[i], PgType.OID_TEXT, PgType.OID_TEXT, -1, false,
                    new ColumnSource.Base(ColumnName.of(schema, name, columns[i]))));
        }
        return new CatalogTable(oid, new TableName(schema, name), 'r', list);
    }

    static MaskingPolicy demoPolicy() {
        return MaskingPolicy.compile(MaskingConfig.demo(), KEY);
    }

    static MaskingPolicy policy(String yaml) {
        try {
            return MaskingPolicy.compile(MaskingConfig.read(new java.io.ByteArrayInputStream(yaml.getBytes(UTF_8))), KEY);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
