// onEachFeature for villages whose feature properties `tip` and `pop` are packed fragments:
// "name|value 1|value 2|...|flag note", each already HTML-escaped (a "|" inside a value is
// sent as &#124;). The labels (escaped too) come once per map; the table is built when the
// tooltip or popup opens. Used by ovop_geo.render: `(<this function>)(tipLabels, popLabels)`.
function (tipLabels, popLabels) {
    function build(packed, labels) {
        var parts = packed.split("|"), html = parts[0] + "<table>";
        for (var i = 1; i < parts.length - 1; i++) {
            html += "<tr><th style='text-align:left;padding-right:6px'>" + labels[i - 1] +
                "</th><td>" + parts[i] + "</td></tr>";
        }
        return html + "</table>" + parts[parts.length - 1];
    }
    return function (feature, layer) {
        var p = feature.properties;
        if (p.tip) {
            layer.bindTooltip(function () { return build(p.tip, tipLabels); }, {sticky: true});
        }
        if (p.pop) {
            layer.bindPopup(function () { return build(p.pop, popLabels); }, {maxWidth: 320});
        }
    };
}
