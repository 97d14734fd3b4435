package org.memallocator.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PushbackInputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import tlc2.tool.ConfigFileException;
import tlc2.tool.impl.ModelConfig;
import util.SimpleFilenameToStream;

/**
 * The command line's text input files (histories, TLC files): each must be a readable regular file
 * (a missing file, a directory and a device such as {@code /dev/null} are each named as such), is
 * read as strict UTF-8 (a malformed byte is reported with its line), and may start with a UTF-8
 * byte-order mark, which is skipped.
 */
final class InputFile {

    private static final int BOM_0 = 0xEF;
    private static final int BOM_1 = 0xBB;
    private static final int BOM_2 = 0xBF;

    private InputFile() {
    }

    /** Refuses, in one line, anything but a readable regular file; {@code what} names its role. */
    static void requireRegularFile(Path file, String what) {
        if (!Files.exists(file)) {
            throw new Main.UsageError(what + " file not found: " + file);
        }
        if (Files.isDirectory(file)) {
            throw new Main.UsageError(what + " file is a directory: " + file);
        }
        if (!Files.isRegularFile(file)) {
            throw new Main.UsageError(what + " file is not a regular file (a device, a pipe or a socket): " + file);
        }
        if (!Files.isReadable(file)) {
            throw new Main.UsageError(what + " file not readable: " + file);
        }
    }

    /**
     * Refuses, in one line, a TLC configuration that TLC's own parser rejects, before any TLC run
     * (a run would report it only as TLC's generic failure): {@code what} names its role.
     */
    static void requireTlcConfig(Path cfg, String what) {
        requireRegularFile(cfg, what);
        try {
            new ModelConfig(cfg.toString(), new SimpleFilenameToStream()).parse();
        } catch (ConfigFileException e) {
            String m = String.valueOf(e.getMessage()).replaceAll("\\s+", " ").strip();
            throw new Main.UsageError(what + " file " + cfg + " is malformed: " + m);
        }
    }

    /**
     * A reader of {@code file} as UTF-8 that throws {@link CharacterCodingException} on a malformed
     * byte, with a leading byte-order mark skipped (the line numbers do not change).
     */
    static BufferedReader open(Path file) throws IOException {
        PushbackInputStream in = new PushbackInputStream(Files.newInputStream(file), 3);
        byte[] head = in.readNBytes(3);
        boolean bom = head.length == 3 && (head[0] & 0xFF) == BOM_0 && (head[1] & 0xFF) == BOM_1
                && (head[2] & 0xFF) == BOM_2;
        if (!bom) {
            in.unread(head);
        }
        CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        return new BufferedReader(new InputStreamReader(in, strict));
    }

    /**
     * The usage error for {@code e}, met while reading {@code file}: for malformed UTF-8, the file,
     * line and column of the first bad byte ({@code F:LINE: not UTF-8: ...}).
     */
    static Main.UsageError readError(Path file, IOException e) {
        if (e instanceof CharacterCodingException) {
            try {
                String where = firstMalformedByte(file);
                if (where != null) {
                    return new Main.UsageError(file + ":" + where);
                }
            } catch (IOException again) {
                // fall through: report the first failure
            }
        }
        return new Main.UsageError("cannot read " + file + ": " + e.getMessage());
    }

    /**
     * {@code "LINE: not UTF-8: byte 0xXX at column C"} for the first byte of {@code file} that is
     * not valid UTF-8 (columns count bytes from 1), or null if there is none. Reads the file in
     * 64 KiB chunks, so it works on files of any size.
     */
    static String firstMalformedByte(Path file) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.allocate(1 << 16);
        CharBuffer out = CharBuffer.allocate(1 << 16);
        long line = 1;
        long offset = 0;
        long lineStart = 0;
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            boolean end = false;
            while (true) {
                if (!end) {
                    end = channel.read(in) < 0;
                }
                in.flip();
                int from = in.position();
                CoderResult r = decoder.decode(in, out, end);
                for (int i = from; i < in.position(); i++) {
                    if (in.get(i) == '\n') {
                        line++;
                        lineStart = offset + (i - from) + 1;
                    }
                }
                offset += in.position() - from;
                if (r.isError()) {
                    return String.format("%d: not UTF-8: byte 0x%02X at column %d", line, in.get(in.position()) & 0xFF,
                            offset - lineStart + 1);
                }
                out.clear();
                if (end && !in.hasRemaining()) {
                    return null;
                }
                in.compact();
            }
        }
    }
}
