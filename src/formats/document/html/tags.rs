//! What each HTML element is to a translator: a block whose text is a unit, an inline element
//! that becomes a code, an element whose content is not translated.

/// The kind of an element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
    /// Ends the text before it and starts a new one (`p`, `div`, `li`, `td`, `title`, `html`):
    /// kept on the stack of open elements.
    Block,
    /// A block element without content (`hr`, `meta`, `link`): ends the text, not pushed.
    BlockVoid,
    /// A block element whose content is not translated (`pre`, `template`, `noscript`).
    BlockOpaque,
    /// An inline element: its start and end tags become a pair of codes (`b`, `a`, `span`, and
    /// every element HTML does not know, as browsers show them inline).
    Inline(&'static str),
    /// An inline element without content (`br`, `img`, `input`): a standalone code.
    InlineVoid(&'static str),
    /// An inline element whose content is not translated (`code`, `script`, `svg`, `iframe`): a
    /// standalone code holding the whole element.
    InlineOpaque(&'static str),
}

pub(super) fn class(name: &[u8]) -> Class {
    use Class::*;
    match name {
        b"p" | b"div" | b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6" | b"li" | b"ul" | b"ol"
        | b"dl" | b"dt" | b"dd" | b"table" | b"caption" | b"thead" | b"tbody" | b"tfoot"
        | b"tr" | b"td" | b"th" | b"colgroup" | b"html" | b"head" | b"body" | b"title"
        | b"address" | b"article" | b"aside" | b"blockquote" | b"details" | b"summary"
        | b"dialog" | b"fieldset" | b"legend" | b"figure" | b"figcaption" | b"footer" | b"form"
        | b"header" | b"hgroup" | b"main" | b"nav" | b"section" | b"menu" | b"center" | b"dir"
        | b"frameset" | b"select" | b"optgroup" | b"option" | b"datalist" | b"button"
        | b"search" | b"marquee" | b"map" => Block,
        b"hr" | b"meta" | b"link" | b"base" | b"col" | b"frame" | b"basefont" | b"bgsound" => {
            BlockVoid
        }
        b"pre" | b"listing" | b"xmp" | b"plaintext" | b"template" | b"noscript" | b"noembed"
        | b"noframes" => BlockOpaque,
        b"b" | b"strong" => Inline("bold"),
        b"i" | b"em" => Inline("italic"),
        b"u" | b"ins" => Inline("underlined"),
        b"a" => Inline("link"),
        b"sup" => Inline("x-sup"),
        b"sub" => Inline("x-sub"),
        b"br" => InlineVoid("lb"),
        b"img" => InlineVoid("image"),
        b"wbr" | b"input" | b"area" | b"embed" | b"source" | b"track" | b"param" | b"keygen"
        | b"image" => InlineVoid("x-span"),
        b"code" | b"kbd" | b"samp" | b"var" => InlineOpaque("x-code"),
        b"script" | b"style" => InlineOpaque("x-script"),
        b"textarea" | b"svg" | b"math" | b"iframe" | b"object" | b"applet" | b"video"
        | b"audio" | b"canvas" => InlineOpaque("x-object"),
        _ => Inline("x-span"),
    }
}

/// The XLIFF `restype` of the text directly inside an element.
pub(super) fn restype(name: &str) -> &'static str {
    match name {
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => "x-heading",
        "li" | "dt" | "dd" => "x-list-item",
        "td" | "th" | "caption" => "x-table-cell",
        "title" => "x-title",
        _ => "x-paragraph",
    }
}

/// Start tags that close an open `p` (the HTML parsing rules).
pub(super) fn closes_p(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "center"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "header"
            | "hgroup"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "p"
            | "search"
            | "section"
            | "summary"
            | "ul"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "table"
            | "li"
            | "dt"
            | "dd"
            | "hr"
            | "pre"
            | "listing"
            | "xmp"
            | "plaintext"
    )
}

/// Elements that bound the search for an element to close (the parsing rules' scopes).
pub(super) fn is_scope(name: &str) -> bool {
    matches!(
        name,
        "html" | "table" | "td" | "th" | "caption" | "template" | "marquee" | "button"
    )
}

pub(super) fn is_heading(name: &str) -> bool {
    matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

/// Attributes whose value a reader sees, on the element `tag`, and the name of the block.
pub(super) fn translatable_attribute(
    tag: &str,
    attr: &str,
    input_type: Option<&[u8]>,
) -> Option<&'static str> {
    if matches!(
        tag,
        "link" | "style" | "script" | "meta" | "base" | "html" | "head"
    ) {
        return None;
    }
    match attr {
        "alt" => Some("alt"),
        "title" => Some("title"),
        "placeholder" => Some("placeholder"),
        "aria-label" => Some("aria-label"),
        "label" if matches!(tag, "option" | "optgroup" | "track") => Some("label"),
        "value"
            if tag == "input"
                && input_type.is_some_and(|t| {
                    let t = t.trim_ascii();
                    t.eq_ignore_ascii_case(b"submit")
                        || t.eq_ignore_ascii_case(b"button")
                        || t.eq_ignore_ascii_case(b"reset")
                }) =>
        {
            Some("value")
        }
        _ => None,
    }
}

/// `<meta name=... content=...>` whose content a reader sees (search results, link previews).
pub(super) fn translatable_meta(name: &[u8]) -> Option<&'static str> {
    let n = name.trim_ascii().to_ascii_lowercase();
    Some(match &n[..] {
        b"description" => "description",
        b"keywords" => "keywords",
        b"og:title" => "og:title",
        b"og:description" => "og:description",
        b"og:site_name" => "og:site_name",
        b"twitter:title" => "twitter:title",
        b"twitter:description" => "twitter:description",
        _ => return None,
    })
}

/// The attributes the filter reads: translatable ones, and those saying what an element is.
pub(super) fn attribute_read(name: &[u8]) -> bool {
    matches!(
        name,
        b"translate"
            | b"class"
            | b"lang"
            | b"xml:lang"
            | b"type"
            | b"name"
            | b"property"
            | b"content"
            | b"http-equiv"
            | b"alt"
            | b"title"
            | b"placeholder"
            | b"aria-label"
            | b"label"
            | b"value"
    )
}
