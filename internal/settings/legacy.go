package settings

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// LegacyFileName is where versions up to 0.1 kept region, endpoint and model.
const LegacyFileName = "settings.json"

// moveLegacyFile moves the connection settings of an earlier version's settings.json into the
// KV. The file is renamed to settings.json.migrated, not deleted: it is the way back if the
// user downgrades. A damaged file is moved aside as before and the defaults apply. The rename
// happens only after the KV holds the values, so a crash in between repeats the move.
func moveLegacyFile(ctx context.Context, kv KV, dataDir string) (Connection, string, error) {
	c := DefaultConnection()
	path := filepath.Join(dataDir, LegacyFileName)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, "", nil
	}
	if err != nil {
		return c, fmt.Sprintf("The settings file %s could not be read (%v); defaults are in use.", path, err), nil
	}
	var old Connection
	if err := json.Unmarshal(data, &old); err != nil {
		aside := path + ".corrupt"
		if rerr := os.Rename(path, aside); rerr != nil {
			return c, fmt.Sprintf("The settings file %s is damaged and could not be moved aside: %v", path, rerr), nil
		}
		return c, fmt.Sprintf("The settings file was damaged; defaults restored, the old file was kept at %s.", aside), nil
	}
	if old.Region != "" {
		c.Region = old.Region
	}
	c.CustomBaseURL = old.CustomBaseURL
	if old.Model != "" {
		c.Model = old.Model
	}
	if checkConnection(c) != nil {
		c = DefaultConnection()
	}
	raw, _ := json.Marshal(c)
	if err := kv.SetSetting(ctx, keyConnection, string(raw)); err != nil {
		return c, "", &StorageError{Err: err}
	}
	if err := os.Rename(path, path+".migrated"); err != nil {
		return c, fmt.Sprintf("Your settings were moved into the history file, but %s could not be renamed: %v", path, err), nil
	}
	return c, "", nil
}
