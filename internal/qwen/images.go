package qwen

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// Limits on attached images: DashScope accepts images up to 10 MB; a handful per message is
// what vision models handle well.
const (
	MaxImageBytes     = 10 << 20
	MaxImagesPerTurn  = 6
	maxImageURLLength = MaxImageBytes*4/3 + 64
)

var imageTypes = []string{"image/png", "image/jpeg", "image/webp", "image/gif", "image/bmp"}

// CheckImage accepts a base64 data: URL of a common image type within the size limit. The
// message says what is wrong in words a person understands.
func CheckImage(dataURL string) error {
	if len(dataURL) > maxImageURLLength {
		return fmt.Errorf("the image is larger than %d MB", MaxImageBytes>>20)
	}
	head, payload, ok := strings.Cut(dataURL, ",")
	mime, isBase64 := strings.CutSuffix(strings.TrimPrefix(head, "data:"), ";base64")
	if !ok || !strings.HasPrefix(head, "data:") || !isBase64 {
		return fmt.Errorf("the image is not a base64 data URL")
	}
	known := false
	for _, t := range imageTypes {
		known = known || mime == t
	}
	if !known {
		return fmt.Errorf("%s images are not supported (use PNG, JPEG, WebP, GIF or BMP)", mime)
	}
	n, err := base64.StdEncoding.DecodeString(payload)
	if err != nil || len(n) == 0 {
		return fmt.Errorf("the image data is damaged")
	}
	if len(n) > MaxImageBytes {
		return fmt.Errorf("the image is larger than %d MB", MaxImageBytes>>20)
	}
	return nil
}
