"""Article images served by the portal itself: fetched through the guarded fetcher, checked
to be raster images by their bytes, kept within a byte budget, and served from our own
origin under HMAC-signed URLs, so a reader's browser never calls a publisher."""
