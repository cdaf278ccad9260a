package cli

import "strings"

// settingsCmd lists the known settings, or with `set KEY VALUE` changes one (SPEC §14).
func (c *cmd) settingsCmd(args []string) (int, error) {
	p, err := parseArgs(args, flagSpec{"json": false})
	if err != nil {
		return 0, err
	}
	if len(p.pos) > 0 {
		if p.pos[0] != "set" {
			return 0, usageErr("unknown settings command %q (usage: flowbench settings [--json] | flowbench settings set KEY VALUE)", p.pos[0])
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
