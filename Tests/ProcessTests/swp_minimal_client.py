"""A minimal SWP/1 client, written from PROTOCOL.md only (no Souk Swift source was consulted).

It shows the specification is sufficient: a TLS 1.3 connection with ALPN "swp/1" (§2), the preface
and SETTINGS exchange (§3, §6), one call on stream 1 (§5, §7) with hand-encoded protobuf blocks
(§9), DATA reassembly, PING answers and flow control in both directions (§13). Standard library only.
"""
import socket
import ssl
import struct

MAGIC = b"SOUK\r\n"
PREFACE = MAGIC + b"\x01\x00"
DATA, HEADERS, TRAILERS, CANCEL, SETTINGS, PING, GOAWAY, WINDOW_UPDATE = range(8)
END_MESSAGE, COMPRESSED, END_STREAM, ACK = 0x01, 0x02, 0x04, 0x01
# Setting identifiers (§6) and the defaults that hold until the peer's SETTINGS arrive.
MAX_FRAME_SIZE, MAX_MESSAGE_SIZE, INITIAL_STREAM_WINDOW, CONNECTION_WINDOW = 0x1, 0x2, 0x5, 0x6
DEFAULTS = {MAX_FRAME_SIZE: 65536, MAX_MESSAGE_SIZE: 4194304, 0x3: 16384, 0x4: 1000,
            INITIAL_STREAM_WINDOW: 1048576, CONNECTION_WINDOW: 4194304, 0x7: 0, 0x8: 300000}
UNKNOWN = 2  # gRPC status for codes above 16 (§10, §11)


class SwpError(Exception):
    """The connection or the call failed below the gRPC status level."""


class StreamCancelled(SwpError):
    def __init__(self, code):  # the server sent CANCEL(code) on the stream (§5.4)
        super().__init__(f"stream cancelled by server with code {code}")
        self.code = code if code <= 16 else UNKNOWN


class GoAway(SwpError):
    def __init__(self, last_stream_id, error_code, debug):  # a GOAWAY that ends this call (§5.7, §15)
        super().__init__(f"GOAWAY(last_stream_id={last_stream_id}, error_code=0x{error_code:X}, {debug!r})")
        self.last_stream_id, self.error_code, self.debug = last_stream_id, error_code, debug


# --- protobuf by hand (§9): varints and length-delimited fields --------------------------------
def varint(n):
    n &= (1 << 64) - 1  # negative int32/int64 are sent as 64-bit two's complement
    out = bytearray()
    while True:
        out.append((n & 0x7F) | (0x80 if n > 0x7F else 0))
        n >>= 7
        if not n:
            return bytes(out)


def field_varint(number, value):
    return varint(number << 3) + varint(value) if value else b""  # proto3 defaults are omitted


def field_bytes(number, value, keep_empty=False):
    return varint(number << 3 | 2) + varint(len(value)) + value if value or keep_empty else b""


def read_varint(buf, i):
    shift = result = 0
    while True:
        if i >= len(buf):
            raise SwpError("truncated protobuf varint")
        result |= (buf[i] & 0x7F) << shift
        i, shift = i + 1, shift + 7
        if not buf[i - 1] & 0x80:
            return result, i


def fields(buf):
    """Yields (field number, value): an int for varints, bytes for the other wire types."""
    i = 0
    while i < len(buf):
        key, i = read_varint(buf, i)
        wire = key & 7
        if wire == 0:
            value, i = read_varint(buf, i)
        else:
            if wire == 2:
                n, i = read_varint(buf, i)
            elif wire in (1, 5):  # fixed64 / fixed32: skippable unknown fields
                n = 8 if wire == 1 else 4
            else:
                raise SwpError(f"unsupported protobuf wire type {wire}")
            if i + n > len(buf):
                raise SwpError("truncated protobuf field")
            value, i = bytes(buf[i:i + n]), i + n
        yield key >> 3, value


def encode_metadata(entries, number=3):
    """MetadataEntry{key = 1; oneof {text = 2; bytes binary = 3}}; "-bin" keys carry bytes."""
    out = b""
    for key, value in entries:
        key = key.lower()
        raw = value if isinstance(value, bytes) else value.encode()
        # A oneof member is present even when empty, so the value field is always written.
        entry = field_bytes(1, key.encode()) + field_bytes(3 if key.endswith("-bin") else 2, raw, keep_empty=True)
        out += field_bytes(number, entry, keep_empty=True)
    return out


def decode_metadata(buf, number):
    entries = []
    for n, entry in fields(buf):
        if n == number:
            parts = dict(fields(entry))
            entries.append((parts.get(1, b"").decode(), parts[2].decode() if 2 in parts else parts.get(3)))
    return entries


# --- connection and framing (§3, §4) -----------------------------------------------------------
class Connection:
    """Preface + SETTINGS handshake on an established socket, then frame I/O."""
    def __init__(self, sock, recv_stream_window=None, recv_connection_window=None):
        self.sock, self.peer, self.mine = sock, dict(DEFAULTS), dict(DEFAULTS)
        ours = {k: v for k, v in ((INITIAL_STREAM_WINDOW, recv_stream_window),
                                  (CONNECTION_WINDOW, recv_connection_window)) if v is not None}
        self.mine.update(ours)
        settings = b"".join(struct.pack(">HI", k, v) for k, v in ours.items())
        sock.sendall(PREFACE + self.frame(SETTINGS, 0, 0, settings))
        preface = self.read_exact(8)
        if preface[:6] != MAGIC:
            raise SwpError(f"bad server preface {preface!r}")
        if preface[6] != 1:
            self.send(GOAWAY, 0, 0, struct.pack(">II", 0, 0xD))
            raise SwpError(f"server speaks SWP major version {preface[6]}")
        ftype, flags, _, payload = self.read_frame()
        if ftype == GOAWAY:
            self.goaway(payload)
        if ftype != SETTINGS or flags & ACK:
            raise SwpError(f"first server frame has type {ftype}, not SETTINGS")
        self.on_settings(payload)  # stores and ACKs; now streams may be opened
        self.send_window = self.peer[CONNECTION_WINDOW]  # credit for our DATA on the connection
        self.unreturned = 0  # connection credit consumed but not yet returned

    @staticmethod
    def frame(ftype, flags, stream, payload=b""):
        return struct.pack(">IBBHI", len(payload), ftype, flags, 0, stream) + payload

    def send(self, ftype, flags, stream, payload=b""):
        self.sock.sendall(self.frame(ftype, flags, stream, payload))

    def read_exact(self, n):
        buf = bytearray()
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise SwpError("connection closed by the server")
            buf += chunk
        return bytes(buf)

    def read_frame(self):
        length, ftype, flags, reserved, stream = struct.unpack(">IBBHI", self.read_exact(12))
        if length > self.mine[MAX_FRAME_SIZE]:  # checked before reading the payload (§4)
            raise SwpError(f"frame of {length} bytes exceeds MAX_FRAME_SIZE")
        if reserved or stream >> 31:
            raise SwpError("reserved bits set in a frame header")
        return ftype, flags, stream, self.read_exact(length)

    def on_settings(self, payload):
        if len(payload) % 6:
            raise SwpError("SETTINGS length is not a multiple of 6")
        for i in range(0, len(payload), 6):
            key, value = struct.unpack_from(">HI", payload, i)
            self.peer[key] = value
        self.send(SETTINGS, ACK, 0)

    @staticmethod
    def goaway(payload):
        last, code = struct.unpack_from(">II", payload)
        raise GoAway(last, code, payload[8:].decode("utf-8", "replace"))

    def close(self):
        try:
            self.send(GOAWAY, 0, 0, struct.pack(">II", 0, 0))  # orderly close: GOAWAY(0, NO_ERROR) (§15)
        except OSError:
            pass  # the server may already have closed
        self.sock.close()


def _credit(conn, call, stream, n):
    """Every fragment is consumed on arrival, so its credit is returned at once, batched at half a window."""
    conn.unreturned += n
    call["unreturned"] += n
    if conn.unreturned >= conn.mine[CONNECTION_WINDOW] // 2:
        conn.send(WINDOW_UPDATE, 0, 0, struct.pack(">I", conn.unreturned))
        conn.unreturned = 0
    if call["unreturned"] >= conn.mine[INITIAL_STREAM_WINDOW] // 2:
        conn.send(WINDOW_UPDATE, 0, stream, struct.pack(">I", call["unreturned"]))
        call["unreturned"] = 0


def _handle(conn, call, stream):
    """Reads one frame and applies it to the connection and to the call on `stream`."""
    ftype, flags, sid, payload = conn.read_frame()
    if ftype == PING and not flags & ACK:
        conn.send(PING, ACK, 0, payload)
    elif ftype == SETTINGS and not flags & ACK:
        conn.on_settings(payload)
    elif ftype == GOAWAY:
        last, code = struct.unpack_from(">II", payload)
        if code != 0 or last < stream:  # a NO_ERROR drain that accepted our stream lets it finish
            conn.goaway(payload)
    elif ftype == WINDOW_UPDATE and sid in (0, stream):
        increment = struct.unpack(">I", payload)[0]
        if sid:
            call["send_window"] += increment
        else:
            conn.send_window += increment
    elif sid != stream or call["done"] or ftype > WINDOW_UPDATE:
        pass  # another stream, a closed stream or an unknown frame type: discarded
    elif ftype == HEADERS:
        call["initial"] = decode_metadata(payload, 1)
    elif ftype == DATA:
        if flags & COMPRESSED:
            raise SwpError("COMPRESSED DATA although this client advertised no codec")
        call["partial"] += payload
        if len(call["partial"]) > conn.mine[MAX_MESSAGE_SIZE]:
            raise SwpError("response message exceeds MAX_MESSAGE_SIZE")
        if flags & END_MESSAGE:
            call["messages"].append(bytes(call["partial"]))
            call["partial"] = bytearray()
        _credit(conn, call, stream, len(payload))
    elif ftype == TRAILERS:
        parts = dict((n, v) for n, v in fields(payload) if n in (1, 2))
        code = parts.get(1, 0)
        call.update(done=True, code=code if code <= 16 else UNKNOWN,
                    message=parts.get(2, b"").decode(), trailing=decode_metadata(payload, 3))
    elif ftype == CANCEL:
        call["done"] = True
        raise StreamCancelled(struct.unpack(">I", payload)[0])


def connect_tls(host, port, ca_path, alpn=("swp/1",), timeout=60.0):
    """TCP + TLS 1.3 trusting ca_path; the server certificate names "localhost"."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(ca_path)
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    context.set_alpn_protocols(list(alpn))
    return context.wrap_socket(socket.create_connection((host, port), timeout=timeout), server_hostname="localhost")


def call_on_stream(conn, head, request_bytes, stream=1):
    """Sends HEADERS(head) and one request message with END_STREAM, then reads until TRAILERS."""
    conn.send(HEADERS, 0, stream, head)
    call = {"initial": [], "messages": [], "partial": bytearray(), "done": False,
            "send_window": conn.peer[INITIAL_STREAM_WINDOW], "unreturned": 0}
    offset = 0  # fragments no larger than the server's MAX_FRAME_SIZE, within both send windows
    while not call["done"]:
        room = min(conn.peer[MAX_FRAME_SIZE], conn.send_window, call["send_window"], len(request_bytes) - offset)
        if room <= 0 and offset < len(request_bytes):
            _handle(conn, call, stream)  # wait for WINDOW_UPDATE (or an early answer)
            continue
        chunk = request_bytes[offset:offset + room]
        offset += len(chunk)
        conn.send(DATA, END_MESSAGE | END_STREAM if offset >= len(request_bytes) else 0, stream, chunk)
        conn.send_window -= len(chunk)
        call["send_window"] -= len(chunk)
        if offset >= len(request_bytes):
            break
    while not call["done"]:
        _handle(conn, call, stream)
    return call["code"], call["message"], call["messages"], call["initial"], call["trailing"]


def unary_call(host, port, ca_path, method, request_bytes, metadata=(), timeout_us=0,
               io_timeout=60.0, recv_stream_window=None, recv_connection_window=None):
    """One call on stream 1 of a fresh connection.

    Returns (status_code, status_message, response_messages, initial_metadata, trailing_metadata),
    metadata as lists of (key, str | bytes). Raises StreamCancelled, GoAway or SwpError otherwise.
    """
    sock = connect_tls(host, port, ca_path, timeout=io_timeout)
    try:
        if sock.selected_alpn_protocol() != "swp/1":  # §2: close without sending the preface
            raise SwpError(f"server selected ALPN {sock.selected_alpn_protocol()!r}, not 'swp/1'")
        conn = Connection(sock, recv_stream_window, recv_connection_window)
    except BaseException:
        sock.close()
        raise
    try:
        head = field_bytes(1, method.encode()) + field_varint(2, timeout_us) + encode_metadata(metadata)
        return call_on_stream(conn, head, request_bytes)
    finally:
        conn.close()
