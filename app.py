"""Run the FAQ bot's web app: python app.py [--host H] [--port P]. `python app.py --help` lists
the environment variables it reads."""

import argparse
import errno
import json
import os
import socket
import sys

# Where to listen, first found wins: the flag, the app's own variable, Gradio's, the default.
ADDRESS = {
    "host": ("--host", "FAQBOT_HOST", "GRADIO_SERVER_NAME", "127.0.0.1"),
    "port": ("--port", "FAQBOT_PORT", "GRADIO_SERVER_PORT", "7860"),
}
ENVIRONMENT = """environment variables:
  FAQBOT_HOST, GRADIO_SERVER_NAME   address to listen on (default 127.0.0.1); --host wins over
                                    FAQBOT_HOST, which wins over GRADIO_SERVER_NAME
  FAQBOT_PORT, GRADIO_SERVER_PORT   port (default 7860); --port, then FAQBOT_PORT, then
                                    GRADIO_SERVER_PORT
  FAQBOT_FEEDBACK                   file for thumbs up/down (default feedback/feedback.jsonl;
                                    empty: no feedback)
  FAQBOT_LOG_QUESTIONS=1            also keep the question text with each rating
  FAQBOT_ALLOWED_ORIGINS            other sites whose pages may call the API, comma-separated
                                    scheme://host[:port], e.g. https://clinic.example
  FAQBOT_SETTINGS                   a JSON object of settings leaves, e.g. '{"api_concurrency": 4}'
                                    (src/faqbot/settings.py)
  FAQBOT_STAFF_TOKEN                turns on the staff desk at /staff, behind this token (at
                                    least 16 characters); unset: no desk
The app sets GRADIO_ANALYTICS_ENABLED=False, ORT_DISABLE_TELEMETRY=1 and HF_HUB_OFFLINE=1."""


def parse_args(argv: list[str] | None, env) -> argparse.Namespace:
    """host and port from the flags, else the environment (ADDRESS gives the order)."""
    parser = argparse.ArgumentParser(
        description="Serve the FAQ bot's web app and JSON API.",
        epilog=ENVIRONMENT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    for flag, own, gradio, default in ADDRESS.values():
        value = env.get(own) or env.get(gradio) or default
        parser.add_argument(flag, default=value, help=f"default: {own}, {gradio} or {default}")
    args = parser.parse_args(argv)
    try:
        port = int(args.port)
        if not 0 < port < 65536:
            raise ValueError
    except ValueError:
        parser.error(f"the port must be a number from 1 to 65535, got {args.port!r}")
    args.port = port
    return args


def check_port(host: str, port: int) -> None:
    """Exit with a message, before anything is loaded, when host:port cannot be listened on."""
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
            s.bind((host, port))
    except OSError as problem:
        if problem.errno == errno.EADDRINUSE:
            sys.exit(
                f"error: port {port} on {host} is already in use (another program, or this app "
                f"still running). Stop it, or pick another port: python app.py --port {port + 1}"
            )
        sys.exit(f"error: cannot listen on {host}:{port} ({problem}). Check --host and --port.")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv, os.environ)
    check_port(args.host, args.port)
    # Before gradio and onnxruntime are imported: no telemetry (Gradio's analytics, ONNX
    # Runtime's usage events, which looked up mobile.events.data.microsoft.com), no model
    # download at run time. Imported here, not above: --help answers without loading them.
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ["ORT_DISABLE_TELEMETRY"] = "1"
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from faqbot import FAQBot
    from faqbot.serve.gradio_app import build_ui
    from faqbot.serve.http import http_app, launch, parse_origins
    from faqbot.serve.json_api import JsonApi
    from faqbot.serve.staff_app import build_staff_ui
    from faqbot.serve.staff_gate import check_token

    try:
        origins = parse_origins(os.environ.get("FAQBOT_ALLOWED_ORIGINS", ""))
        staff_token = check_token(os.environ.get("FAQBOT_STAFF_TOKEN", ""))  # None: no desk
        bot = FAQBot.load(settings=settings_from(os.environ.get("FAQBOT_SETTINGS", "")))
    except ValueError as problem:  # a bad setting, corpus or index: the message names the fix
        sys.exit(f"error: {problem}")
    feedback = os.environ.get("FAQBOT_FEEDBACK", "feedback/feedback.jsonl") or None
    log_questions = os.environ.get("FAQBOT_LOG_QUESTIONS", "") == "1"
    bot.warm_up()  # load the models and word lists now, not during the first visitors' questions
    demo = build_ui(bot, feedback_path=feedback, log_questions=log_questions)
    staff = None
    if staff_token:  # the staff desk at /staff, apart from the visitors' page
        staff = build_staff_ui(bot, feedback_path=feedback, log_questions=log_questions)
    app = http_app(
        demo,
        bot.settings.serve,
        allowed_origins=origins,
        api=JsonApi(bot),
        staff=staff,
        staff_token=staff_token,
    )
    launch(app, args.host, args.port)


def settings_from(text: str):
    """The settings tree with the leaves of a JSON object changed; the query encoder runs on
    the serving thread count.

    Raises:
        ValueError: not a JSON object, an unknown leaf or a value its section refuses.
    """
    from faqbot import Settings

    values = json.loads(text or "{}")
    if not isinstance(values, dict):
        raise ValueError(f'FAQBOT_SETTINGS must be a JSON object, e.g. {{"why_k": 5}}; got {text}')
    settings = Settings().replace(**values)
    return settings.replace(threads=settings.serve.encoder_threads)


if __name__ == "__main__":
    main()
