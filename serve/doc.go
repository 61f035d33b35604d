// Package serve is returnsim serve's what-if page: a local web server on
// which a planner moves a lever of a study's policy and sees, in about a
// second, the paired difference from the baseline. The command builds a
// study.Forked (the study's shared histories, once per replicate) and
// hands it over; every answer continues copies of those histories.
//
// What it promises:
//   - The numbers are run's. An answer is study.Forked.Run of the what-if,
//     the code study.Run pairs and summarises with; its rows carry the
//     names of summary.csv's, yearly.csv's and groups-summary.csv's
//     columns, and equal to the bit (at the files' fixed precision) the
//     rows that returnsim run writes for the page's study file with the
//     same seed and replicates (TestPageIsRun).
//   - The page's scenario is a study file, checked by the study file's own
//     parser: the study's text without its variants and one variant,
//     what-if, whose dated policy changes set the levers from their month
//     on (Builder.Text). Every value typed goes into it as a number or a
//     quoted string, never as TOML of its own, so that the parser's rules
//     and messages are the page's; each problem is shown beside the lever
//     it names (Builder.Parse), and the server answers on. The study file
//     is the download what-if.toml, which returnsim check and run read;
//     the zip is returnsim run --report's folder of it, made in a
//     temporary folder and removed (no path comes from a request).
//   - The levers and their labels come from the keys' tags
//     (scenarios.Keys, agents.Specs, agents.Names); a scenario of the study
//     gives its levers (Builder.Start), and a note says when they cannot
//     say all of it. The page's URL holds the scenario started from and
//     the levers that differ from it, so that loading it again restores
//     the levers and the answer.
//   - One simulation at a time by default (Options.Concurrent): it uses
//     every worker. A request that finds none free waits at most
//     Options.Wait, behind at most Options.Queue others, or gets 429.
//     Answers are kept by study text (Options.Cache); requests for the
//     same text share one simulation, which stops between two months as
//     soon as no request waits for it any more (the page cancels its
//     request in flight when a lever moves).
//   - Safety: requests whose Host is not the server's address (HostAllowed:
//     a DNS name other than localhost is refused, against DNS rebinding)
//     get 403, and so do POSTs whose Origin is present and not the
//     server's; bodies are capped (Options.MaxBody, 413); the page fetches
//     nothing from the network (its script, style and icon are embedded)
//     and sends a Content-Security-Policy that allows nothing else; the
//     replicates of a request are at most the histories held, and its
//     horizon is the study's (a variant with a fork cannot change it).
//   - Serve shuts down on its context: the simulations stop, requests get
//     five seconds to end.
package serve
