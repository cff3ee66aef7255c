// Package discord connects Herald to Discord with discordgo: the /herald
// application command (generated from the command definitions), buttons
// and modals, received over the gateway or the HTTP interactions endpoint;
// cards as embeds updated in place; chat posts to discord:#channel targets.
// discordgo types stop here: the rest of Herald sees commands.Call,
// commands.Response and publish.Post.
package discord
