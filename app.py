"""Run the FAQ bot's web app: python app.py (FAQBOT_HOST, FAQBOT_PORT, FAQBOT_FEEDBACK...)."""

import os

# Before gradio is imported: no telemetry, and no model download at run time.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from faqbot import FAQBot, Settings  # noqa: E402
from faqbot.http_api import JsonApi  # noqa: E402
from faqbot.ui import build_ui, launch  # noqa: E402
from faqbot.ui_http import ENCODER_THREADS, parse_origins  # noqa: E402


def main() -> None:
    host = os.environ.get("FAQBOT_HOST", "127.0.0.1")
    port = int(os.environ.get("FAQBOT_PORT", "7860"))
    feedback = os.environ.get("FAQBOT_FEEDBACK", "feedback/feedback.jsonl") or None
    log_questions = os.environ.get("FAQBOT_LOG_QUESTIONS", "") == "1"
    # other sites whose pages may call the API, e.g. "https://clinic.example" (default: none)
    origins = parse_origins(os.environ.get("FAQBOT_ALLOWED_ORIGINS", ""))
    bot = FAQBot.load(settings=Settings(threads=ENCODER_THREADS))
    bot.search("warm up")  # load the model now, not during the first visitor's question
    demo = build_ui(bot, feedback_path=feedback, log_questions=log_questions)
    launch(demo, host, port, allowed_origins=origins, api=JsonApi(bot))


if __name__ == "__main__":
    main()
