"""Files in, documents and citable passages out."""
