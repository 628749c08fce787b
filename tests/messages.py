"""What a conforming kernel sends: JSON schemas of the Jupyter messaging protocol (5.3) for every message
type the conclab kernel emits, and a check applied to every message the tests read.

Written from the protocol's documentation ("Messaging in Jupyter", jupyter-client) and the content types
JupyterLab's services package declares. Real clients (JupyterLab, VS Code, nbclient) rely on these fields:
every reply carries `status`; error replies carry `ename`, `evalue` and `traceback`.
"""
import jsonschema

STR = {"type": "string"}
INT = {"type": "integer"}
BOOL = {"type": "boolean"}
DICT = {"type": "object"}
STRS = {"type": "array", "items": STR}
MIMEBUNDLE = {"type": "object", "additionalProperties": {"type": ["string", "object", "array"]}}


def obj(required, **props):
    return {"type": "object", "required": list(required), "properties": props}


HEADER = obj(["msg_id", "session", "username", "date", "msg_type", "version"],
             msg_id=STR, session=STR, username=STR, msg_type=STR,
             date={"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)$"},
             version={"type": "string", "pattern": r"^5\.[3-9]"})

ERROR_FIELDS = dict(ename=STR, evalue=STR, traceback=STRS)

# A reply is either ok (with the fields given) or error (with ename/evalue/traceback) or aborted.
def reply(ok_required=(), **ok_props):
    return {"oneOf": [
        obj(["status", *ok_required], status={"const": "ok"}, **ok_props),
        obj(["status", "ename", "evalue", "traceback"], status={"const": "error"}, **ERROR_FIELDS),
        obj(["status"], status={"const": "aborted"}),
    ]}


CONTENT = {
    # shell and control replies
    "execute_reply": {"oneOf": [
        obj(["status", "execution_count", "user_expressions"], status={"const": "ok"}, execution_count=INT,
            payload={"type": "array"}, user_expressions=DICT),
        obj(["status", "execution_count", "ename", "evalue", "traceback"], status={"const": "error"},
            execution_count=INT, **ERROR_FIELDS),
        obj(["status"], status={"const": "aborted"}),
    ]},
    "kernel_info_reply": reply(
        ["protocol_version", "implementation", "implementation_version", "language_info", "banner"],
        protocol_version=STR, implementation=STR, implementation_version=STR, banner=STR,
        language_info=obj(["name", "version", "mimetype", "file_extension"],
                          name=STR, version=STR, mimetype=STR, file_extension=STR,
                          pygments_lexer=STR, nbconvert_exporter=STR),
        help_links={"type": "array", "items": obj(["text", "url"], text=STR, url=STR)},
        debugger=BOOL),
    "complete_reply": reply(["matches", "cursor_start", "cursor_end", "metadata"],
                            matches=STRS, cursor_start=INT, cursor_end=INT, metadata=DICT),
    "inspect_reply": reply(["found", "data", "metadata"], found=BOOL, data=MIMEBUNDLE, metadata=DICT),
    "is_complete_reply": {"oneOf": [
        obj(["status"], status={"enum": ["complete", "invalid", "unknown"]}),
        obj(["status", "indent"], status={"const": "incomplete"}, indent=STR),
    ]},
    "history_reply": reply(["history"], history={"type": "array"}),
    "comm_info_reply": reply(["comms"], comms=DICT),
    "shutdown_reply": reply(["restart"], restart=BOOL),
    "interrupt_reply": reply(),
    # iopub
    "status": obj(["execution_state"], execution_state={"enum": ["busy", "idle", "starting"]}),
    "execute_input": obj(["code", "execution_count"], code=STR, execution_count=INT),
    "execute_result": obj(["execution_count", "data", "metadata"], execution_count=INT, data=MIMEBUNDLE,
                          metadata=DICT),
    "display_data": obj(["data", "metadata"], data=MIMEBUNDLE, metadata=DICT,
                        transient=obj([], display_id=STR)),
    "update_display_data": obj(["data", "metadata", "transient"], data=MIMEBUNDLE, metadata=DICT,
                               transient=obj(["display_id"], display_id=STR)),
    "stream": obj(["name", "text"], name={"enum": ["stdout", "stderr"]}, text=STR),
    "error": obj(["ename", "evalue", "traceback"], **ERROR_FIELDS),
    "clear_output": obj(["wait"], wait=BOOL),
    # stdin
    "input_request": obj(["prompt", "password"], prompt=STR, password=BOOL),
}


class ProtocolViolation(AssertionError):
    pass


def check(msg):
    """Raises ProtocolViolation if `msg` (as jupyter_client returns it) breaks the protocol."""
    try:
        header = dict(msg["header"])
        date = header.get("date")
        if hasattr(date, "isoformat"):  # jupyter_client parses ISO 8601 dates; a string here did not parse
            if date.tzinfo is None:
                raise ProtocolViolation(f"{header.get('msg_type')}: date without a time zone")
            header["date"] = date.isoformat()
        jsonschema.validate(header, HEADER)
        if msg.get("parent_header"):
            jsonschema.validate(msg["parent_header"], {"type": "object", "required": ["msg_id"]})
        schema = CONTENT.get(msg["header"]["msg_type"])
        if schema is None:
            raise ProtocolViolation(f"unexpected message type {msg['header']['msg_type']!r}")
        jsonschema.validate(msg["content"], schema)
        if msg["header"]["msg_type"] != msg["msg_type"]:
            raise ProtocolViolation("msg_type differs from the header's")
    except jsonschema.ValidationError as e:
        raise ProtocolViolation(f"{msg['header'].get('msg_type')}: {e.message} in {e.json_path}\n{msg['content']}") from e
