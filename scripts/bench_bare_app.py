"""The framework's limit for the benchmark: a Flask app whose one route renders a constant."""

from flask import Flask, render_template_string

app = Flask(__name__)


@app.route("/")
def constant() -> str:
    """A constant page rendered through Jinja, as small as a real page's shell."""
    return render_template_string("<!doctype html><title>bare</title><p>{{ text }}</p>", text="ok")
