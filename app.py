"""Run the FAQ bot's web app: python app.py [--host H] [--port P] (or FAQBOT_HOST, FAQBOT_PORT).

Other settings come from the environment: FAQBOT_FEEDBACK (feedback file, "" for none),
FAQBOT_LOG_QUESTIONS=1 (keep questions with feedback), FAQBOT_ALLOWED_ORIGINS (other sites whose
pages may call the API, e.g. "https://clinic.example"; default none).
"""

import argparse
import os
import sys

# Before gradio and onnxruntime are imported: no telemetry (Gradio's analytics, ONNX Runtime's
# usage events, which looked up mobile.events.data.microsoft.com), no model download at run time.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ["ORT_DISABLE_TELEMETRY"] = "1"
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from faqbot import FAQBot, Settings  # noqa: E402
from faqbot.http_api import JsonApi  # noqa: E402
from faqbot.ui import build_ui, launch  # noqa: E402
from faqbot.ui_http import ENCODER_THREADS, parse_origins  # noqa: E402


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
        bot = FAQBot.load(settings=Settings().replace(threads=ENCODER_THREADS))
    except ValueError as problem:  # a bad setting, corpus or index: the message names the fix
        sys.exit(f"error: {problem}")
    feedback = os.environ.get("FAQBOT_FEEDBACK", "feedback/feedback.jsonl") or None
    log_questions = os.environ.get("FAQBOT_LOG_QUESTIONS", "") == "1"
    bot.search("warm up")  # load the model now, not during the first visitor's question
    demo = build_ui(bot, feedback_path=feedback, log_questions=log_questions)
    launch(demo, args.host, port, allowed_origins=origins, api=JsonApi(bot))


if __name__ == "__main__":
    main()
