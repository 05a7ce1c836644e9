"""cardloop ML backend: business card image -> validated contact fields, served to Label Studio."""
