//! Article folders: each `.txt`, `.md` or `.html` file is one article.
