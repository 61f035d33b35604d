package report

import (
	"bytes"
	"fmt"
	"html/template"
	"path/filepath"

	"github.com/returnsim/returnsim/internal/tasks"
)

var page = template.Must(template.New("page").Funcs(template.FuncMap{
	"svg": func(b []byte) template.HTML { return template.HTML(b) }, // from gonum's SVG canvas, not from input text
	"inc": func(i int) int { return i + 1 },
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font: 16px/1.5 "Liberation Sans", Arial, Helvetica, sans-serif; color: #1a1a1a; background: #fff; margin: 0; }
main { max-width: 72rem; margin: 0 auto; padding: 1.5rem 1.5rem 3rem; box-sizing: border-box; }
h1 { font-size: 1.7rem; margin: 0.5rem 0 0.2rem; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 0.5rem; border-bottom: 2px solid #0072b2; padding-bottom: 0.2rem; }
p.lead { color: #444; margin-top: 0; }
nav ol { columns: 2; padding-left: 1.3rem; margin: 0.8rem 0; }
nav a { color: #0072b2; }
table { border-collapse: collapse; margin: 0.8rem 0; font-size: 0.88rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.3rem; }
th, td { padding: 0.3rem 0.6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
th { text-align: left; background: #f2f5f8; font-weight: 600; }
td.n { text-align: right; white-space: nowrap; }
td .d { display: block; color: #555; font-size: 0.82rem; }
td ul { margin: 0; padding-left: 1.1rem; }
td li { margin: 0.1rem 0; }
ul.items li { margin: 0.35rem 0; }
p.opening { font-size: 1.05rem; }
/* a table wider than the page scrolls sideways inside its box, its first
   column (the scenario) held in place */
.wrap { overflow-x: auto; max-width: 100%; }
.wrap tr > :first-child { position: sticky; left: 0; z-index: 1; background: #fff; }
.wrap thead tr > :first-child { background: #f2f5f8; }
tbody th { white-space: nowrap; }
figure { margin: 1.2rem 0 1.8rem; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { font-size: 0.95rem; margin-top: 0.3rem; }
p.note { color: #555; background: #f6f6f6; border-left: 4px solid #bbb; padding: 0.5rem 0.8rem; }
footer { margin-top: 3rem; font-size: 0.8rem; color: #444; border-top: 1px solid #ccc; padding-top: 0.8rem; }
footer code { font-size: 0.78rem; word-break: break-all; }
details summary { cursor: pointer; color: #0072b2; }
</style>
</head>
<body>
<main>
<h1>{{.Title}}</h1>
<p class="lead">{{if .Lead}}{{.Lead}}{{else}}What each scenario of {{.Study}} changes, per 1,000 persons, in euros and for whom; every number comes from the result folder's files.{{end}}</p>
<nav><ol>{{range .Sections}}<li><a href="#{{.ID}}">{{.Title}}</a></li>{{end}}</ol></nav>
{{range .Sections}}<section id="{{.ID}}">
<h2>{{.Title}}</h2>
{{if .Intro}}<p{{if eq .ID "brief"}} class="opening"{{end}}>{{.Intro}}</p>{{end}}

{{if .Collapsed}}<details><summary>Show the table</summary>{{end}}
{{range .Tables}}<div class="wrap"><table>
{{if .Caption}}<caption>{{.Caption}}</caption>{{end}}
<thead><tr>{{range .Head}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>{{range .Rows}}<tr>{{range $i, $c := .}}{{if eq $i 0}}<th>{{$c.Text}}</th>{{else}}<td{{if not $c.Left}} class="n"{{end}}>{{$c.Text}}{{if $c.Sub}}<span class="d">{{$c.Sub}}</span>{{end}}{{if $c.List}}<ul>{{range $c.List}}<li>{{.}}</li>{{end}}</ul>{{end}}</td>{{end}}{{end}}</tr>
{{end}}</tbody>
</table></div>
{{end}}{{if .Collapsed}}</details>{{end}}
{{if .ItemsIntro}}<p>{{.ItemsIntro}}</p>{{end}}{{if .Items}}<ul class="items">{{range .Items}}<li><b>{{.Head}}</b>: {{.Text}}</li>
{{end}}</ul>{{end}}
{{range .Charts}}<figure id="fig-{{.Name}}">
{{svg .SVG}}
<figcaption><b>Figure {{.Num}}.</b> {{.Reading}} <a href="charts/{{.Name}}.svg">SVG</a> · <a href="charts/{{.Name}}.png">PNG</a></figcaption>
</figure>
{{end}}{{if .Note}}<p class="note">{{.Note}}</p>{{end}}
</section>
{{end}}
<footer>
{{with .Foot}}<p><b>Provenance.</b> returnsim {{.Version}}, revision <code>{{.Revision}}</code>; study {{.Study}}; seed {{.Seed}}; {{.Replicates}} replicates{{if .Posterior}}; parameters drawn from {{.Posterior}}{{end}}.<br>Command: <code>{{.Command}}</code></p>
{{if .Inputs}}<div class="wrap"><table><thead><tr><th>input</th><th>file</th><th>SHA-256</th></tr></thead><tbody>
{{range .Inputs}}<tr><th>{{.What}}</th><td>{{.File}}</td><td><code>{{.SHA256}}</code></td></tr>
{{end}}</tbody></table></div>{{else}}<div class="wrap"><table><thead><tr><th>scenario</th><th>file</th><th>file SHA-256</th><th>configuration SHA-256</th></tr></thead><tbody>
{{range .Scenarios}}<tr><th>{{.Name}}</th><td>{{.File}}</td><td><code>{{.FileSHA256}}</code></td><td><code>{{.ConfigSHA256}}</code></td></tr>
{{end}}</tbody></table></div>{{end}}{{end}}
{{if .FootNote}}<p>{{.FootNote}}</p>{{end}}
</footer>
</main>
</body>
</html>
`))

// HTML renders the page.
func (p *Page) HTML() ([]byte, error) {
	p.Charts() // numbers the figures
	var b bytes.Buffer
	if err := page.Execute(&b, p); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Charts are the page's charts in the order they appear.
func (p *Page) Charts() []*Chart {
	var cs []*Chart
	for _, s := range p.Sections {
		cs = append(cs, s.Charts...)
	}
	for i, c := range cs {
		c.Num = i + 1
	}
	return cs
}

// Write builds the report of the result folder dir, without published
// figures (WriteWith).
func Write(dir, out string) ([]string, error) { return WriteWith(dir, out, Options{}) }

// WriteWith builds the report of the result folder dir with opt and
// writes it to out (dir/report.html when empty), with each chart as
// charts/NAME.svg and charts/NAME.png beside it. It returns the files
// written.
func WriteWith(dir, out string, opt Options) ([]string, error) {
	if out == "" {
		out = filepath.Join(dir, "report.html")
	}
	pg, err := BuildWith(dir, opt)
	if err != nil {
		return nil, err
	}
	html, err := pg.HTML()
	if err != nil {
		return nil, err
	}
	var written []string
	if cs := pg.Charts(); len(cs) > 0 {
		cdir := filepath.Join(filepath.Dir(out), "charts")
		set, err := tasks.NewSet(cdir)
		if err != nil {
			return nil, err
		}
		defer set.Abort()
		for _, c := range cs {
			for _, f := range []struct {
				ext string
				b   []byte
			}{{".svg", c.svgFile}, {".png", c.PNG}} {
				w, err := set.Create(c.Name + f.ext)
				if err != nil {
					return nil, err
				}
				w.Write(f.b)
				written = append(written, filepath.Join(cdir, c.Name+f.ext))
			}
		}
		if err := set.Commit(); err != nil {
			return nil, err
		}
	}
	set, err := tasks.NewSet(filepath.Dir(out))
	if err != nil {
		return nil, err
	}
	defer set.Abort()
	w, err := set.Create(filepath.Base(out))
	if err != nil {
		return nil, err
	}
	w.Write(html)
	if err := set.Commit(); err != nil {
		return nil, fmt.Errorf("writing %s: %w", out, err)
	}
	return append([]string{out}, written...), nil
}
