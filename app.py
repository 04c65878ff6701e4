"""Run the FAQ bot's web app: python app.py [--host H] [--port P] (or FAQBOT_HOST, FAQBOT_PORT).

Other settings come from the environment: FAQBOT_FEEDBACK (feedback file, "" for none),
FAQBOT_LOG_QUESTIONS=1 (keep questions with feedback), FAQBOT_ALLOWED_ORIGINS (other sites whose
pages may call the API, e.g. "https://clinic.example"; default none), FAQBOT_SETTINGS (a JSON
object of settings leaves, e.g. '{"api_concurrency": 4}'; see src/faqbot/settings.py),
FAQBOT_STAFF_TOKEN (turns on the staff desk at /staff, behind this token; unset: no desk).
"""

import argparse
import json
import os
import sys

# Before gradio and onnxruntime are imported: no telemetry (Gradio's analytics, ONNX Runtime's
# usage events, which looked up mobile.events.data.microsoft.com), no model download at run time.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ["ORT_DISABLE_TELEMETRY"] = "1"
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from faqbot import FAQBot, Settings  # noqa: E402
from faqbot.serve.gradio_app import build_ui  # noqa: E402
from faqbot.serve.http import http_app, launch, parse_origins  # noqa: E402
from faqbot.serve.json_api import JsonApi  # noqa: E402
from faqbot.serve.staff_app import build_staff_ui  # noqa: E402
from faqbot.serve.staff_gate import check_token  # noqa: E402


def settings_from(text: str) -> Settings:
    """The settings tree with the leaves of a JSON object changed; the query encoder runs on
    the serving thread count.

    Raises:
        ValueError: not a JSON object, an unknown leaf or a value its section refuses.
    """
    values = json.loads(text or "{}")
    if not isinstance(values, dict):
        raise ValueError(f'FAQBOT_SETTINGS must be a JSON object, e.g. {{"why_k": 5}}; got {text}')
    settings = Settings().replace(**values)
    return settings.replace(threads=settings.serve.encoder_threads)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the FAQ bot's web app and JSON API.")
    parser.add_argument("--host", default=os.environ.get("FAQBOT_HOST", "127.0.0.1"))
    parser.add_argument("--port", default=os.environ.get("FAQBOT_PORT", "7860"))
    args = parser.parse_args(argv)
    try:
        port = int(args.port)
        if not 0 < port < 65536:
            raise ValueError
    except ValueError:
        parser.error(f"the port must be a number from 1 to 65535, got {args.port!r}")

    try:
        origins = parse_origins(os.environ.get("FAQBOT_ALLOWED_ORIGINS", ""))
        staff_token = check_token(os.environ.get("FAQBOT_STAFF_TOKEN", ""))  # None: no desk
        bot = FAQBot.load(settings=settings_from(os.environ.get("FAQBOT_SETTINGS", "")))
    except ValueError as problem:  # a bad setting, corpus or index: the message names the fix
        sys.exit(f"error: {problem}")
    feedback = os.environ.get("FAQBOT_FEEDBACK", "feedback/feedback.jsonl") or None
    log_questions = os.environ.get("FAQBOT_LOG_QUESTIONS", "") == "1"
    bot.search("warm up")  # load the model now, not during the first visitor's question
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
    launch(app, args.host, port)


if __name__ == "__main__":
    main()
