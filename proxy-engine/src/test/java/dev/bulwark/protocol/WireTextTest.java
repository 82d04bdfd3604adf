package dev.bulwark.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WireTextTest {
    private static ByteBuf text(int... bytes) {
        ByteBuf buf = Unpooled.buffer();
        for (int b : bytes) {
            buf.writeByte(b);
        }
        return buf.writeByte(0);
    }

    @Test
    void validUtf8IsRead() {
        assertEquals("a\u00d5\\", Wire.readText(text('a', 0xC3, 0x95, '\\')));
        assertEquals("\uD83D\uDE00", Wire.readText(text(0xF0, 0x9F, 0x98, 0x80)));
    }

    @Test
    void invalidUtf8IsRefusedNotReplaced() {
        int[][] invalid = {
                {0x95, 0x5C}, // SJIS lead byte then a backslash
                {0xC0, 0xAF}, // overlong '/'
                {0xED, 0xA0, 0x80}, // a surrogate
                {0xE3, 0x81}, // truncated
                {0xFF},
        };
        for (int[] bytes : invalid) {
            ProtocolException e = assertThrows(ProtocolException.class, () -> Wire.readText(text(bytes)));
            assertEquals("22021", e.sqlState());
        }
    }
}
