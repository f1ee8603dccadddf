from shotgraph.cli import app

app()
