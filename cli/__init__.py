"""assay's command line (typer): thin commands over `assay.engine`."""
