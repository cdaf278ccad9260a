package cli

import (
	"strings"

	"github.com/flowbench/flowbench/engine/nodes"
)

// settingsCmd lists the known settings, or with `set KEY VALUE` changes one (SPEC §14).
func (c *cmd) settingsCmd(args []string) (int, error) {
	p, err := parseArgs(args, flagSpec{"json": false})
	if err != nil {
		return 0, err
	}
	if len(p.pos) > 0 && p.pos[0] == "check" {
		return c.settingsCheck(p)
	}
	if len(p.pos) > 0 {
		if p.pos[0] != "set" {
			return 0, usageErr("unknown settings command %q (usage: flowbench settings [--json] | flowbench settings set KEY VALUE | flowbench settings check ffmpeg)", p.pos[0])
		}
		if len(p.pos) != 3 {
			return 0, usageErr("usage: flowbench settings set KEY VALUE (an empty VALUE \"\" puts back the default)")
		}
		if err := c.svc.SetSetting(c.ctx, p.pos[1], p.pos[2]); err != nil {
			return 0, err
		}
	}
	list, err := c.svc.Settings(c.ctx)
	if err != nil {
		return 0, err
	}
	if p.has("json") {
		return 0, c.json(map[string]any{"settings": list})
	}
	for _, s := range list {
		v := s.Value
		if v == "" {
			v = "(not set)"
		}
		if !s.Set {
			v += "  (default)"
		}
		c.printf("%-18s %s\n%-18s %s\n", s.Key, v, "", strings.TrimSpace(s.Description))
	}
	return 0, nil
}

// settingsCheck is `settings check ffmpeg`: finds ffmpeg and ffprobe as the media nodes would
// and runs `ffmpeg -version`; exit 1 when they cannot be used.
func (c *cmd) settingsCheck(p parsed) (int, error) {
	if len(p.pos) != 2 || p.pos[1] != "ffmpeg" {
		return 0, usageErr("usage: flowbench settings check ffmpeg [--json]")
	}
	res := nodes.CheckFFmpeg(c.ctx, c.svc.Store())
	code := 0
	if !res.OK {
		code = 1
	}
	if p.has("json") {
		return code, c.json(res)
	}
	if !res.OK {
		c.printf("ffmpeg: not usable: %s\n", res.Error)
		return code, nil
	}
	c.printf("ffmpeg:  %s\n         %s\nffprobe: %s\n", res.FFmpeg, res.Version, res.FFprobe)
	return 0, nil
}
